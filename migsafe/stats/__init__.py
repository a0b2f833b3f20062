"""Production statistics: table sizes, traffic and index use read (read-only) from a real
server, so findings can say how long a lock would really last.

export.py reads them, model.py is the stats file, duration.py turns sizes into seconds,
calibrate.py measures the server's throughput, thresholds.py is [tool.migsafe.stats],
apply.py adds the evidence to a check's findings.
"""
