"""System Overview: the hosts the platform runs on, from node_exporter."""

from dashsmith import Dashboard, Query, Row, Selector, label_variable, stat, timeseries
from metrics import config
from metrics.config import INSTANCE, REAL_FILESYSTEMS

FILESYSTEMS = Selector(REAL_FILESYSTEMS, INSTANCE)

dashboard = Dashboard(
    uid="system-overview",
    title="System Overview",
    folder="Trading Platform/Infrastructure",
    tags=["system", "node-exporter"],
    description="CPU, memory, disk, filesystems, network and load of each host.",
    variables=[label_variable("instance", "node_uname_info")],
    rows=[
        Row("CPU and load", [
            stat(
                "CPU Busy",
                # The series NodeCPUHighUsage judges, so red starts at its threshold.
                f"avg(avg_over_time(instance:node_cpu_utilisation:rate2m{INSTANCE}[$__range]))",
                legend="busy",
                unit="percentunit",
                thresholds={0.7: "orange", config.CPU_UTILISATION_PERCENT / 100: "red"},
                description="Share of CPU time busy (neither idle nor waiting for I/O) over the "
                            "time range, averaged over the hosts; red is the NodeCPUHighUsage "
                            "threshold.",
                width=6,
            ),
            timeseries(
                "CPU by Mode",
                f'avg by (instance, mode) (rate(node_cpu_seconds_total{INSTANCE:mode!="idle"}[$__rate_interval]))',
                legend="{{instance}} {{mode}}",
                unit="percentunit",
                stack=True,
                description="Share of CPU time per mode (idle left out), averaged over cores.",
                width=9,
            ),
            timeseries(
                "Load per Core",
                # The series NodeSystemSaturation judges, so the line is its threshold.
                f"instance:node_load1_per_cpu:ratio{INSTANCE}",
                legend="{{instance}}",
                unit="short",
                thresholds={config.LOAD_PER_CORE: "red"},
                description="1-minute load average divided by the number of cores; the line is "
                            "the NodeSystemSaturation threshold.",
                width=9,
            ),
        ]),
        Row("Memory", [
            timeseries(
                "Memory Used",
                # The series NodeMemoryHighUtilization judges, so the line is its threshold.
                f"instance:node_memory_utilisation:ratio{INSTANCE}",
                legend="{{instance}}",
                unit="percentunit",
                min=0, max=1,
                thresholds={config.MEMORY_UTILISATION_PERCENT / 100: "red"},
                description="Share of memory not available to new processes; the line is the "
                            "NodeMemoryHighUtilization threshold.",
            ),
            timeseries(
                "Memory Bytes",
                Query(f"node_memory_MemTotal_bytes{INSTANCE} - node_memory_MemAvailable_bytes{INSTANCE}",
                      legend="{{instance}} used"),
                Query(f"node_memory_MemTotal_bytes{INSTANCE}", legend="{{instance}} total"),
                unit="bytes",
                description="Memory in use and installed.",
            ),
        ]),
        Row("Disk", [
            timeseries(
                "Disk Throughput",
                Query(f"sum by (instance, device) (rate(node_disk_read_bytes_total{INSTANCE}[$__rate_interval]))",
                      legend="{{device}} read"),
                Query(f"sum by (instance, device) (rate(node_disk_written_bytes_total{INSTANCE}[$__rate_interval]))",
                      legend="{{device}} written"),
                unit="Bps",
                description="Bytes per second read from and written to each block device.",
            ),
            timeseries(
                "Disk IOPS",
                Query(f"sum by (instance, device) (rate(node_disk_reads_completed_total{INSTANCE}[$__rate_interval]))",
                      legend="{{device}} reads"),
                Query(f"sum by (instance, device) (rate(node_disk_writes_completed_total{INSTANCE}[$__rate_interval]))",
                      legend="{{device}} writes"),
                unit="iops",
                description="Read and write operations per second.",
            ),
            timeseries(
                "Disk Busy",
                f"rate(node_disk_io_time_seconds_total{INSTANCE}[$__rate_interval])",
                legend="{{instance}} {{device}}",
                unit="percentunit",
                description="Share of time each device was busy with I/O.",
            ),
            timeseries(
                "Filesystem Used",
                f"1 - node_filesystem_avail_bytes{FILESYSTEMS} "
                f"/ node_filesystem_size_bytes{FILESYSTEMS}",
                legend="{{instance}} {{mountpoint}}",
                unit="percentunit",
                min=0, max=1,
                thresholds={1 - config.FILESYSTEM_AVAILABLE_WARNING_PERCENT / 100: "orange",
                            1 - config.FILESYSTEM_AVAILABLE_CRITICAL_PERCENT / 100: "red"},
                description="Share of each filesystem in use (space available to non-root users).",
            ),
        ]),
        Row("Network", [
            timeseries(
                "Network Traffic",
                Query(f'sum by (instance, device) (rate(node_network_receive_bytes_total{INSTANCE:device!~"lo|veth.+"}[$__rate_interval]))',
                      legend="{{device}} received"),
                Query(f'-sum by (instance, device) (rate(node_network_transmit_bytes_total{INSTANCE:device!~"lo|veth.+"}[$__rate_interval]))',
                      legend="{{device}} sent"),
                unit="Bps",
                description="Bytes per second received (up) and sent (down) per interface.",
            ),
            timeseries(
                "Network Errors",
                Query(f"sum by (instance, device) (rate(node_network_receive_errs_total{INSTANCE}[$__rate_interval]))",
                      legend="{{device}} receive errors"),
                Query(f"sum by (instance, device) (rate(node_network_transmit_errs_total{INSTANCE}[$__rate_interval]))",
                      legend="{{device}} transmit errors"),
                unit="pps",
                description="Packets per second that failed to be received or sent.",
            ),
        ]),
    ],
)
