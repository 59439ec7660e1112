-- new-connections: peers a function talked to in the incident window, seen through its Lambda
-- ENIs, that it never had in the baseline. A peer is keyed by its identity (a named RDS /
-- ElastiCache / EC2 / NAT resource keeps its identity across ENI and IP changes) or else its IP,
-- plus the service port, protocol and direction.
WITH att AS (
  SELECT eni_id, function_name, bool_or(ambiguous) AS ambiguous, list(DISTINCT private_ip) AS local_ips
  FROM eni_attribution
  WHERE $function IS NULL OR function_name = $function
  GROUP BY eni_id, function_name
),
f AS (
  SELECT r.*, a.function_name, a.ambiguous,
    -- direction from flow_direction when the log has it, else from which side is the ENI's own IP
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
    AND r.srcaddr IS NOT NULL AND r.dstaddr IS NOT NULL
),
c AS (
  SELECT *,
    CASE WHEN from_local THEN dstaddr ELSE srcaddr END AS peer_address,
    CASE WHEN from_local THEN dstport ELSE srcport END AS peer_side_port,
    CASE WHEN from_local THEN srcport ELSE dstport END AS local_port
  FROM f
),
k AS (
  -- the service port is the lower, non-ephemeral one; whoever owns it is the listener
  SELECT *,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN 'outbound' ELSE 'inbound' END AS direction,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN peer_side_port ELSE local_port END AS service_port
  FROM c
),
named AS (
  SELECT k.*, p.kind AS p_kind, p.name AS p_name, p.identity AS p_identity
  FROM k
  LEFT JOIN peers p
    ON p.address = k.peer_address
   AND (p.valid_from IS NULL OR k.start_time >= p.valid_from)
   AND (p.valid_to IS NULL OR k.start_time <= p.valid_to)
),
g AS (
  SELECT
    function_name, peer_address, service_port, protocol, direction, interface_id,
    any_value(ambiguous) AS ambiguous,
    coalesce(any_value(p_kind),
             CASE WHEN lf_is_private_ip(peer_address)
                    OR EXISTS (SELECT 1 FROM vpc_cidrs v WHERE lf_in_cidr(peer_address, v.cidr_block))
                  THEN 'internal-unknown' ELSE 'external' END) AS peer_kind,
    any_value(p_name) AS peer_name,
    coalesce(any_value(p_identity), 'ip:' || peer_address) AS identity,
    min(start_time) FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS first_seen,
    sum(packets) FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS packets,
    sum(bytes) FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS bytes,
    string_agg(DISTINCT action, ',' ORDER BY action) FILTER (WHERE start_time >= $incident_start::TIMESTAMPTZ) AS action,
    bool_or(start_time < $incident_start::TIMESTAMPTZ) AS in_baseline_ip,
    bool_or(start_time >= $incident_start::TIMESTAMPTZ) AS in_incident
  FROM named
  GROUP BY function_name, peer_address, service_port, protocol, direction, interface_id
),
baseline_identities AS (
  SELECT DISTINCT function_name, identity, service_port, protocol, direction FROM g WHERE in_baseline_ip
),
nat_hops AS (
  -- v5 logs on a NAT gateway's ENI tie the hops together. The hop from the function to the NAT
  -- has dstaddr = the NAT's own IP and pkt-dstaddr = the real destination; the hop back has
  -- srcaddr = the NAT's IP and pkt-srcaddr = the remote host.
  SELECT DISTINCT r.pkt_srcaddr AS inner_ip, r.pkt_dstaddr AS outer_ip
  FROM flow_records r JOIN peers p ON p.eni_id = r.interface_id AND p.kind = 'nat'
  WHERE r.pkt_srcaddr IS NOT NULL AND r.pkt_dstaddr IS NOT NULL AND r.pkt_dstaddr <> r.dstaddr
  UNION
  SELECT DISTINCT r.pkt_dstaddr, r.pkt_srcaddr
  FROM flow_records r JOIN peers p ON p.eni_id = r.interface_id AND p.kind = 'nat'
  WHERE r.pkt_srcaddr IS NOT NULL AND r.pkt_dstaddr IS NOT NULL AND r.pkt_srcaddr <> r.srcaddr
)
SELECT
  g.function_name AS "function",
  g.peer_address,
  g.service_port AS peer_port,
  g.protocol,
  g.direction,
  g.peer_name,
  g.peer_kind,
  g.first_seen,
  g.packets,
  g.bytes,
  g.action,
  g.interface_id AS eni_id,
  g.ambiguous,
  (g.peer_kind = 'external' AND EXISTS (
     SELECT 1 FROM nat_hops h JOIN eni_attribution a ON a.private_ip = h.inner_ip
     WHERE a.eni_id = g.interface_id AND h.outer_ip = g.peer_address)) AS via_nat
FROM g
WHERE g.in_incident
  AND NOT EXISTS (
    SELECT 1 FROM baseline_identities b
    WHERE b.function_name = g.function_name AND b.identity = g.identity
      AND b.service_port IS NOT DISTINCT FROM g.service_port AND b.protocol IS NOT DISTINCT FROM g.protocol
      AND b.direction = g.direction)
ORDER BY g.first_seen, "function", g.peer_address, g.service_port;
