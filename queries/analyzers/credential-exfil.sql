-- credential-exfil: a function's temporary credentials used outside the function. Calls made
-- with the function's role session (session name = function name) whose user agent lacks the
-- Lambda runtime's `exec-env/AWS_Lambda_` marker, or — for a function in a VPC whose NAT gateway
-- public IPs are known — whose source IP is neither a NAT IP of its VPC nor an IP its in-function
-- calls used in the baseline. The Lambda service's own use of the role is left out.
WITH s AS (
  SELECT * FROM function_sessions
  WHERE actor = 'function' AND ($function IS NULL OR function_name = $function)
),
fn_vpc AS (
  SELECT DISTINCT function_name, vpc_id FROM lambda_functions WHERE vpc_id IS NOT NULL
  UNION
  SELECT DISTINCT a.function_name, e.vpc_id FROM eni_attribution a JOIN eni_lifetimes e USING (eni_id) WHERE e.vpc_id IS NOT NULL
),
nat_ips AS (
  SELECT DISTINCT v.function_name, p.address AS ip
  FROM fn_vpc v JOIN peers p ON p.kind = 'nat' AND p.address_type = 'public' AND p.vpc_id = v.vpc_id
),
own_ips AS (
  SELECT function_name, ip FROM nat_ips
  UNION
  SELECT DISTINCT function_name, source_ip FROM s
  WHERE user_agent LIKE '%exec-env/AWS_Lambda%' AND event_time < $incident_start::TIMESTAMPTZ AND source_ip IS NOT NULL
    AND function_name IN (SELECT function_name FROM nat_ips)
),
flagged AS (
  SELECT s.*,
    coalesce(s.user_agent, '') NOT LIKE '%exec-env/AWS_Lambda%' AS foreign_agent,
    (s.function_name IN (SELECT function_name FROM nat_ips)
      AND NOT EXISTS (SELECT 1 FROM own_ips o WHERE o.function_name = s.function_name AND o.ip = s.source_ip)) AS foreign_ip
  FROM s
)
SELECT
  function_name AS "function",
  access_key_id,
  session_arn,
  source_ip,
  user_agent,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  list(DISTINCT api_name ORDER BY api_name) AS event_names,
  coalesce(list(DISTINCT error_code ORDER BY error_code) FILTER (WHERE error_code IS NOT NULL), []) AS error_codes,
  bool_or(foreign_agent) AS _foreign_agent,
  bool_or(foreign_ip) AS _foreign_ip,
  count(*) AS _calls
FROM flagged
WHERE foreign_agent OR foreign_ip
GROUP BY function_name, access_key_id, session_arn, source_ip, user_agent
ORDER BY first_seen, "function", source_ip;
