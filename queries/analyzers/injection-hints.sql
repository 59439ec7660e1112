-- injection-hints: a function's own log lines (application output, not START/END/REPORT) whose
-- printed input looks like an injection attempt. One row per line and pattern; the excerpt is
-- the raw text around the first match, cut to 240 characters.
WITH patterns(pattern, re) AS (
  VALUES
    ('command-injection', '(;|&&|\|\||\|)\s*(curl|wget|bash|sh|nc|ncat|python3?|perl|php|ruby|base64|chmod|rm|cat|id|whoami|uname)\b|\$\((curl|wget|id|whoami|cat|sh|bash)[^)]*\)|`(curl|wget|id|whoami|cat)[^`]*`'),
    ('path-traversal', '(\.\./){2,}|(\.\.\\){2,}|%2e%2e(%2f|/)|\.\.%2f|/etc/(passwd|shadow)|/proc/self/environ'),
    ('sql-injection', '''\s*(or|and)\s+''?\w+''?\s*=\s*''?\w+|\bunion\s+(all\s+)?select\b|;\s*(drop|delete|insert|update)\s+(table|from|into)?\b|''\s*(--|#)|\b(sleep|benchmark|pg_sleep)\s*\(\s*\d+|\bwaitfor\s+delay\b'),
    ('script-injection', '<\s*script\b|<\s*/\s*script\s*>|\bon(error|load|mouseover|focus)\s*=|javascript\s*:|<\s*(img|svg|iframe)\b[^>]*\bsrc\s*='),
    ('ssrf-metadata', '169\.254\.169\.254|169\.254\.170\.2|fd00:ec2::254|metadata\.google\.internal|\binstance-data\b'),
    ('template-injection', '\{\{[^}]*\}\}|\$\{\s*(jndi|env|sys|java|script|lower|upper)\s*:|\$\{[^}]*\([^}]*\}|<%=|#\{[^}]*\}|\{%[^%]*%\}')
),
lines AS (
  SELECT function_name, time, request_id, message
  FROM lambda_log_events
  WHERE kind = 'app' AND function_name IS NOT NULL
    AND ($function IS NULL OR function_name = $function)
)
SELECT
  l.function_name AS "function",
  l.time,
  l.request_id,
  p.pattern,
  substr(l.message, greatest(1, strpos(lower(l.message), lower(regexp_extract(l.message, '(?i)' || p.re, 0))) - 80), 240) AS excerpt,
  l.time >= $incident_start::TIMESTAMPTZ AS _in_incident
FROM lines l
JOIN patterns p ON regexp_matches(l.message, '(?i)' || p.re)
ORDER BY l.time, "function", p.pattern;
