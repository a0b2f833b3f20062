"""Django's PostgreSQL backend, recording the SQL it really runs (ENGINE = "migsafe.render.live").

Only ever pointed at a scratch database migsafe created itself (see migsafe.render.scratch).
"""
