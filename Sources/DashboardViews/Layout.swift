/// The frame of every page: head (our stylesheet and script only, from this host), navigation,
/// the read-only banner, the last action's message, the body.
public enum Layout {
    public static func page(_ title: String, section: Section?, context: PageContext?, body: HTML) -> HTML {
        let nav: HTML = context == nil ? .empty : HTML.join(Section.allCases.map { item in
            let current: HTML = item == section ? " aria-current=\"page\"" : .empty
            return "<a href=\"\(item.path)\"\(current)>\(item.title)</a>"
        })
        var banners: [HTML] = []
        if let context {
            if context.readOnly {
                banners.append("<p class=\"banner readonly\" role=\"status\"><strong>Read-only:</strong> \(context.readOnlyReason ?? "you may look but not change anything.")</p>")
            }
            if let flash = context.flash {
                banners.append("<p class=\"banner \(context.flashIsError ? "error" : "ok")\" role=\"status\">\(flash)</p>")
            }
        }
        let account: HTML = context.map { context in
            "<span class=\"who\">\(context.user)\(context.readOnly ? " (read-only)" : "")</span><form method=\"post\" action=\"/logout\" class=\"inline\">\(context.csrfField)<button class=\"link\">Sign out</button></form>"
        } ?? .empty
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · v6-scheduler</title>
            <link rel="stylesheet" href="/assets/app.css">
            <script src="/assets/app.js" defer></script>
            </head>
            <body>
            <header><span class="brand">v6-scheduler</span><nav>\(nav)</nav><span class="account">\(account)</span></header>
            \(banners)
            <main>
            <h1>\(title)</h1>
            \(body)
            </main>
            <footer>Times are America/New_York (ET) with their UTC offset.</footer>
            </body>
            </html>

            """
    }

    /// A page for a failure: the daemon down, a task that does not exist, a bad link.
    public static func problem(_ title: String, message: String, hint: String?, context: PageContext?) -> HTML {
        let hintHTML: HTML = hint.map { "<p class=\"hint\">\($0)</p>" } ?? .empty
        return page(title, section: nil, context: context, body: "<p class=\"problem\">\(message)</p>\(hintHTML)<p><a href=\"/\">Back to Today</a></p>")
    }
}
