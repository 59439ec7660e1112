-- injection-hints: a function's own log lines (application output, not START/END/REPORT) whose
-- printed input looks like an injection attempt. One row per line and pattern; the excerpt is
-- the raw text around the first match, cut to 240 characters. Each pattern is a literal, so
-- DuckDB compiles it once, not once per row.
WITH lines AS (
  SELECT function_name, time, request_id, message
  FROM lambda_log_events
  WHERE kind = 'app' AND function_name IS NOT NULL
    AND ($function IS NULL OR function_name = $function)
),
candidates AS MATERIALIZED (
  -- one pass with all patterns at once; each pattern is then tested on the few lines that match
  SELECT * FROM lines WHERE regexp_matches(message, '(?i)(?:(;|&&|\|\||\|)\s*(curl|wget|bash|sh|nc|ncat|python3?|perl|php|ruby|base64|chmod|rm|cat|id|whoami|uname)\b|\$\((curl|wget|id|whoami|cat|sh|bash)[^)]*\)|`(curl|wget|id|whoami|cat)[^`]*`)|(?:(\.\./){2,}|(\.\.\\){2,}|%2e%2e(%2f|/)|\.\.%2f|/etc/(passwd|shadow)|/proc/self/environ)|(?:''\s*(or|and)\s+''?\w+''?\s*=\s*''?\w+|\bunion\s+(all\s+)?select\b|;\s*(drop|delete|insert|update)\s+(table|from|into)?\b|''\s*(--|#)|\b(sleep|benchmark|pg_sleep)\s*\(\s*\d+|\bwaitfor\s+delay\b)|(?:<\s*script\b|<\s*/\s*script\s*>|\bon(error|load|mouseover|focus)\s*=|javascript\s*:|<\s*(img|svg|iframe)\b[^>]*\bsrc\s*=)|(?:169\.254\.169\.254|169\.254\.170\.2|fd00:ec2::254|metadata\.google\.internal|\binstance-data\b)|(?:\{\{[^}]*\}\}|\$\{\s*(jndi|env|sys|java|script|lower|upper)\s*:|\$\{[^}]*\([^}]*\}|<%=|#\{[^}]*\}|\{%[^%]*%\})')
),
matched AS (
  SELECT l.*, 'command-injection' AS pattern, regexp_extract(l.message, '(?i)(;|&&|\|\||\|)\s*(curl|wget|bash|sh|nc|ncat|python3?|perl|php|ruby|base64|chmod|rm|cat|id|whoami|uname)\b|\$\((curl|wget|id|whoami|cat|sh|bash)[^)]*\)|`(curl|wget|id|whoami|cat)[^`]*`', 0) AS hit
  FROM candidates l WHERE regexp_matches(l.message, '(?i)(;|&&|\|\||\|)\s*(curl|wget|bash|sh|nc|ncat|python3?|perl|php|ruby|base64|chmod|rm|cat|id|whoami|uname)\b|\$\((curl|wget|id|whoami|cat|sh|bash)[^)]*\)|`(curl|wget|id|whoami|cat)[^`]*`')
  UNION ALL
  SELECT l.*, 'path-traversal' AS pattern, regexp_extract(l.message, '(?i)(\.\./){2,}|(\.\.\\){2,}|%2e%2e(%2f|/)|\.\.%2f|/etc/(passwd|shadow)|/proc/self/environ', 0) AS hit
  FROM candidates l WHERE regexp_matches(l.message, '(?i)(\.\./){2,}|(\.\.\\){2,}|%2e%2e(%2f|/)|\.\.%2f|/etc/(passwd|shadow)|/proc/self/environ')
  UNION ALL
  SELECT l.*, 'sql-injection' AS pattern, regexp_extract(l.message, '(?i)''\s*(or|and)\s+''?\w+''?\s*=\s*''?\w+|\bunion\s+(all\s+)?select\b|;\s*(drop|delete|insert|update)\s+(table|from|into)?\b|''\s*(--|#)|\b(sleep|benchmark|pg_sleep)\s*\(\s*\d+|\bwaitfor\s+delay\b', 0) AS hit
  FROM candidates l WHERE regexp_matches(l.message, '(?i)''\s*(or|and)\s+''?\w+''?\s*=\s*''?\w+|\bunion\s+(all\s+)?select\b|;\s*(drop|delete|insert|update)\s+(table|from|into)?\b|''\s*(--|#)|\b(sleep|benchmark|pg_sleep)\s*\(\s*\d+|\bwaitfor\s+delay\b')
  UNION ALL
  SELECT l.*, 'script-injection' AS pattern, regexp_extract(l.message, '(?i)<\s*script\b|<\s*/\s*script\s*>|\bon(error|load|mouseover|focus)\s*=|javascript\s*:|<\s*(img|svg|iframe)\b[^>]*\bsrc\s*=', 0) AS hit
  FROM candidates l WHERE regexp_matches(l.message, '(?i)<\s*script\b|<\s*/\s*script\s*>|\bon(error|load|mouseover|focus)\s*=|javascript\s*:|<\s*(img|svg|iframe)\b[^>]*\bsrc\s*=')
  UNION ALL
  SELECT l.*, 'ssrf-metadata' AS pattern, regexp_extract(l.message, '(?i)169\.254\.169\.254|169\.254\.170\.2|fd00:ec2::254|metadata\.google\.internal|\binstance-data\b', 0) AS hit
  FROM candidates l WHERE regexp_matches(l.message, '(?i)169\.254\.169\.254|169\.254\.170\.2|fd00:ec2::254|metadata\.google\.internal|\binstance-data\b')
  UNION ALL
  SELECT l.*, 'template-injection' AS pattern, regexp_extract(l.message, '(?i)\{\{[^}]*\}\}|\$\{\s*(jndi|env|sys|java|script|lower|upper)\s*:|\$\{[^}]*\([^}]*\}|<%=|#\{[^}]*\}|\{%[^%]*%\}', 0) AS hit
  FROM candidates l WHERE regexp_matches(l.message, '(?i)\{\{[^}]*\}\}|\$\{\s*(jndi|env|sys|java|script|lower|upper)\s*:|\$\{[^}]*\([^}]*\}|<%=|#\{[^}]*\}|\{%[^%]*%\}')
)
SELECT
  m.function_name AS "function",
  m.time,
  m.request_id,
  m.pattern,
  substr(m.message, greatest(1, strpos(m.message, m.hit) - 80), 240) AS excerpt,
  m.time >= $incident_start::TIMESTAMPTZ AS _in_incident
FROM matched m
ORDER BY m.time, "function", m.pattern;
