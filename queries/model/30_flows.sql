-- Flow records seen through each function's attributed Lambda ENIs, from the function's side:
-- the peer (the other address), the service port (the lower, non-ephemeral one: whoever owns it
-- is the listener), the direction (outbound when the function connected to the peer's service),
-- and what the peer is (from `peers` at the time of the flow, else internal by RFC 1918 or the
-- VPC ranges, else external). A shared Hyperplane ENI's flows appear once per function that may
-- own them, with `ambiguous` true. NODATA / SKIPDATA records are left out.
CREATE OR REPLACE VIEW function_flows AS
WITH att AS (
  SELECT eni_id, function_name, bool_or(ambiguous) AS ambiguous, list(DISTINCT private_ip) AS local_ips
  FROM eni_attribution
  GROUP BY eni_id, function_name
),
f AS (
  SELECT r.interface_id, r.srcaddr, r.dstaddr, r.srcport, r.dstport, r.protocol, r.packets, r.bytes, r.action,
    r.start_time, r.end_time, a.function_name, a.ambiguous,
    CASE
      WHEN r.flow_direction = 'egress' THEN true
      WHEN r.flow_direction = 'ingress' THEN false
      WHEN list_contains(a.local_ips, r.srcaddr) THEN true
      WHEN list_contains(a.local_ips, r.dstaddr) THEN false
      ELSE true
    END AS from_local
  FROM flow_records r
  JOIN att a ON r.interface_id = a.eni_id
  WHERE r.log_status IS DISTINCT FROM 'NODATA' AND r.log_status IS DISTINCT FROM 'SKIPDATA'
    AND r.srcaddr IS NOT NULL AND r.dstaddr IS NOT NULL AND r.start_time IS NOT NULL
),
c AS (
  SELECT *,
    CASE WHEN from_local THEN dstaddr ELSE srcaddr END AS peer_address,
    CASE WHEN from_local THEN dstport ELSE srcport END AS peer_side_port,
    CASE WHEN from_local THEN srcport ELSE dstport END AS local_port
  FROM f
),
k AS MATERIALIZED (
  SELECT *,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN 'outbound' ELSE 'inbound' END AS direction,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN peer_side_port ELSE local_port END AS service_port
  FROM c
),
named AS (
  -- an equality join plus a BETWEEN: DuckDB runs it as a hash join (an OR of NULL tests made it
  -- several times slower on 10M rows)
  SELECT k.*, p.kind AS p_kind, p.name AS p_name, p.identity AS p_identity
  FROM k
  LEFT JOIN peers p
    ON p.address = k.peer_address
   AND k.start_time BETWEEN coalesce(p.valid_from, '-infinity'::TIMESTAMPTZ) AND coalesce(p.valid_to, 'infinity'::TIMESTAMPTZ)
),
fallback AS (
  -- internal or external, decided once per address rather than once per flow record
  SELECT a.peer_address,
    CASE WHEN lf_is_private_ip(a.peer_address)
           OR EXISTS (SELECT 1 FROM vpc_cidrs v WHERE lf_in_cidr(a.peer_address, v.cidr_block))
         THEN 'internal-unknown' ELSE 'external' END AS kind
  FROM (SELECT DISTINCT peer_address FROM k) a
)
SELECT
  n.function_name, n.interface_id AS eni_id, n.start_time, n.end_time,
  n.peer_address, n.service_port, n.protocol, n.direction,
  n.packets, n.bytes, n.action, n.ambiguous,
  coalesce(n.p_kind, f.kind) AS peer_kind,
  n.p_name AS peer_name,
  coalesce(n.p_identity, 'ip:' || n.peer_address) AS peer_identity
FROM named n
JOIN fallback f USING (peer_address);
