"""Talking to Grafana, and what dashsmith knows of how Grafana behaves, for every command that
needs it: deploy, import, diff --live, doctor, verify and preview. None of them reaches into
another for it.

  connection   options and environment → a checked grafana-client `GrafanaApi`; explain()
               turns any failed call into one secret-free line
  retry        transient failures (429, 50x, timeouts) retried with backoff and jitter
  reads        GETs with retries: versions, searches, the dashboards dashsmith deployed
  workers      bounded concurrency (Grafana is asked at most N things at once)
  ownership    the marker tag and save message by which dashsmith knows what it deployed
  content      a dashboard's content without what Grafana adds on save, and its hash
  equivalence  whether two dashboards look and behave the same in Grafana (import's round
               trip; deploy knowing an imported dashboard from drift)
  defaults     what Grafana assumes when a dashboard leaves a field out (equivalence's and
               import's table)
  server       which Grafana this is (version, namespace, the /apis groups it serves), and
               so which API path deploy takes; apis: the /apis (Kubernetes-style) client
  dynamic      dashboards Grafana holds as schema v2 (dynamic dashboards)
  permissions  what the caller's token may do (doctor's and deploy's pre-flight)
  intervals    a panel query's step and $__interval / $__rate_interval, as Grafana computes
               them (verify and preview ask Prometheus what Grafana would)
"""
