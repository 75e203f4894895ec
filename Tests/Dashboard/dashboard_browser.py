#!/usr/bin/env python3
"""v6-dashboard in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven by
Selenium, against a real v6-scheduler and a real v6-dashboard on the demo configuration.

    python3 Tests/Dashboard/dashboard_browser.py BIN_DIR

Flows: open the printed URL; see the market panel and every task; disable a task and see
`v6ctl list` agree; run a task and watch its output arrive and its final outcome appear; add a
task through the form (a bad value shows its error beside the field, a good one appears in
`v6ctl list`); visit every page
with no error in the browser console. A screenshot of each page goes to the folder it prints.
Ends with "N passed, M failed"; exits 1 on any failure.
"""
import os
import re
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from stack import Stack

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + detail), flush=True)


def main():
    stack = Stack(sys.argv[1], "browser")
    shots = os.path.join(stack.work, "screenshots")
    os.makedirs(shots)
    driver = None
    try:
        line = stack.start()
        check("v6-dashboard prints its one line", stack.base is not None, line)
        if stack.base is None:
            return
        base, url = stack.base, line[len("dashboard: "):]
        v6ctl = stack.v6ctl

        options = Options()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in ("--headless=new", "--disable-gpu", "--window-size=1400,1000", "--disable-dev-shm-usage"):
            options.add_argument(argument)
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")  # Chromium refuses to run as root otherwise
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(30)

        def console_errors():
            return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]

        def shot(name):
            driver.save_screenshot(os.path.join(shots, name + ".png"))

        # 1. The printed URL signs in; the market panel and every task are there.
        driver.get(url)
        check("the printed URL signs in and lands on Today", driver.current_url == base + "/", driver.current_url)
        check("the market panel shows", bool(driver.find_elements(By.ID, "market")))
        listed = v6ctl("list", "--json").stdout
        names = re.findall(r'"name":"([^"]+)"', listed)
        missing = [n for n in names if not driver.find_elements(By.ID, "task-" + n)]
        check("every task of v6ctl list is in the table", bool(names) and not missing, "missing: %s" % missing)
        shot("today")

        # 2. Disable a task for today; v6ctl agrees.
        row = driver.find_element(By.ID, "task-health_check")
        row.find_element(By.CSS_SELECTOR, "form.disable button").click()
        WebDriverWait(driver, 10).until(lambda d: "health_check: disabled" in d.page_source)
        table = v6ctl("list").stdout
        line_hc = next((l for l in table.splitlines() if l.startswith("health_check")), "")
        check("disabling in the browser shows in v6ctl list", re.search(r"^health_check\s+no\b", line_hc) is not None, line_hc)

        # 3. Run a task; its output streams in, then its final outcome.
        driver.get(base + "/")
        driver.find_element(By.ID, "task-final_data_collection").find_element(By.CSS_SELECTOR, "form[data-confirm] button").click()
        driver.switch_to.alert.accept()  # forced: it may be a closed day
        WebDriverWait(driver, 10).until(lambda d: "/live/" in d.current_url)
        outcome = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "outcome").get_attribute("data-outcome"))
        output = driver.find_element(By.ID, "live-output").text
        check("run output arrives in the page", "final_data_collection" in output, output[:200])
        check("the final outcome appears", outcome == "success", str(outcome))
        shot("live-run")

        # 4. Add a task through the form: a bad value shows the daemon's message beside its field
        #    (what was typed is kept); fixed, the task is in v6ctl list and its page names the sources.
        driver.get(base + "/tasks/new")
        form = driver.find_element(By.ID, "add-task")
        for field, value in (("name", "browser_task"), ("command", "scripts/heartbeat.sh"), ("frequency", "5min"), ("timeout_seconds", "0")):
            form.find_element(By.NAME, field).send_keys(value)
        form.find_element(By.CSS_SELECTOR, "button.primary").click()
        error = WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "timeout_seconds-error"))
        check("a bad value shows its error beside the field", "out of range" in error[0].text, error[0].text)
        check("the form keeps what was typed", driver.find_element(By.NAME, "name").get_attribute("value") == "browser_task"
              and driver.find_element(By.NAME, "frequency").get_attribute("value") == "5min")
        check("nothing was added meanwhile", "browser_task" not in v6ctl("list").stdout)
        shot("add-task-refused")
        field = driver.find_element(By.NAME, "timeout_seconds")
        field.clear()
        field.send_keys("30")
        driver.find_element(By.CSS_SELECTOR, "#add-task button.primary").click()
        WebDriverWait(driver, 10).until(lambda d: d.current_url == base + "/tasks/browser_task")
        listed = v6ctl("list").stdout
        check("a good task appears in v6ctl list", re.search(r"^browser_task\s+yes\b", listed, re.M) is not None, listed)
        sources = driver.find_element(By.ID, "config").text
        check("its page says where each value comes from", "90-runtime.yaml" in sources and "default" in sources, sources[:300])

        # 5. Every page, with no error in the console.
        driver.get_log("browser")  # drop what came before
        pages = {"today": "/", "timeline": "/timeline", "task": "/tasks/flaky_demo", "task-dependencies": "/tasks/final_data_collection",
                 "history": "/history",
                 "logs": "/logs", "calendar": "/calendar?month=2026-11", "add-task": "/tasks/new", "settings": "/settings",
                 "metrics": "/metrics"}
        for name, path in pages.items():
            driver.get(base + path)
            errors = console_errors()
            check("page %s loads without console errors" % path, not errors and "<h1>" in driver.page_source, str(errors)[:300])
            shot(name)
            if name == "task-dependencies":
                needed = driver.find_elements(By.ID, "needed-by")
                check("a task's page names the tasks that run after it, and can run them too",
                      bool(needed) and "publish_daily_report" in needed[0].text and "Run now with what runs after it" in driver.page_source)
        driver.get(base + "/history")
        runs = driver.find_elements(By.CSS_SELECTOR, "#history a[href^='/runs/']")
        check("the history lists runs", bool(runs))
        if runs:
            driver.get(runs[0].get_attribute("href"))
            check("a run page loads without console errors", not console_errors() and "<h1>Run " in driver.page_source)
            shot("run")
        print("screenshots: " + shots, flush=True)
    except Exception as error:  # a broken flow is a failure, with what broke
        where = ""
        if driver is not None:
            driver.save_screenshot(os.path.join(shots, "failure.png"))
            with open(os.path.join(shots, "failure.html"), "w") as page:
                page.write(driver.page_source)
            where = " at %s (screenshot and page in %s)" % (driver.current_url, shots)
        check("browser flows", False, "%s: %s%s" % (type(error).__name__, error, where))
    finally:
        if driver is not None:
            driver.quit()
        stack.stop()
        print("browser: %d passed, %d failed" % (results["passed"], results["failed"]), flush=True)
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
