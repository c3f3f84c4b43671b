"""The host, from prometheus-node-exporter (collector names from node_exporter 1.x)."""

from dashsmith import Counter, Gauge, Label

CPU_MODE = Label("mode", ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"])
DEVICE = Label("device")
FILESYSTEM = [DEVICE, Label("mountpoint"), Label("fstype"), Label("device_error")]
UNAME = [Label(name) for name in ("sysname", "release", "version", "machine", "nodename",
                                  "domainname")]


def _memory(field: str) -> Gauge:
    return Gauge(f"node_memory_{field}_bytes", f"/proc/meminfo {field}.", unit="bytes",
                 exporter="node")


def _disk(name: str, help: str, unit: str) -> Counter:
    return Counter(f"node_disk_{name}", help, labels=[DEVICE], unit=unit, exporter="node")


def _network(direction: str, name: str, unit: str) -> Counter:
    return Counter(f"node_network_{direction}_{name}_total", f"Network {direction} {name}.",
                   labels=[DEVICE], unit=unit, exporter="node")


def _filesystem(name: str, help: str, unit: str) -> Gauge:
    return Gauge(f"node_filesystem_{name}", help, labels=FILESYSTEM, unit=unit, exporter="node")


METRICS = [
    Gauge("node_uname_info", "Constant 1, labelled with uname(2).", labels=UNAME, exporter="node"),
    Counter("node_cpu_seconds_total", "Seconds each CPU spent in each mode.",
            labels=[Label("cpu"), CPU_MODE], unit="seconds", exporter="node"),
    Gauge("node_load1", "1-minute load average.", exporter="node"),
    Gauge("node_load5", "5-minute load average.", exporter="node"),
    Gauge("node_load15", "15-minute load average.", exporter="node"),
    *[_memory(f) for f in ("MemTotal", "MemAvailable", "MemFree", "Cached", "Buffers",
                           "SwapTotal", "SwapFree")],
    _disk("read_bytes_total", "Bytes read.", "bytes"),
    _disk("written_bytes_total", "Bytes written.", "bytes"),
    _disk("reads_completed_total", "Reads completed.", "operations"),
    _disk("writes_completed_total", "Writes completed.", "operations"),
    _disk("io_time_seconds_total", "Seconds spent doing I/O.", "seconds"),
    _disk("io_time_weighted_seconds_total", "Weighted seconds spent doing I/O.", "seconds"),
    _disk("read_time_seconds_total", "Seconds spent reading.", "seconds"),
    _disk("write_time_seconds_total", "Seconds spent writing.", "seconds"),
    Gauge("node_disk_io_now", "I/Os in progress.", labels=[DEVICE], exporter="node"),
    _filesystem("size_bytes", "Filesystem size.", "bytes"),
    _filesystem("avail_bytes", "Space available to non-root users.", "bytes"),
    _filesystem("free_bytes", "Free space.", "bytes"),
    _filesystem("files", "Inodes.", "inodes"),
    _filesystem("files_free", "Free inodes.", "inodes"),
    _filesystem("readonly", "1 if mounted read-only.", ""),
    *[_network(direction, name, unit)
      for direction in ("receive", "transmit")
      for name, unit in (("bytes", "bytes"), ("packets", "packets"), ("errs", "errors"),
                         ("drop", "packets"))],
]
