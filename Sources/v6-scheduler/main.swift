import SchedulerDaemon
print("v6-scheduler \(DaemonVersion.string)")
