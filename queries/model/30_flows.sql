-- What an address is when `peers` does not name it: internal (RFC 1918 or a VPC range) or external.
CREATE OR REPLACE MACRO lf_address_kind(addr) AS
  CASE WHEN lf_is_private_ip(addr) OR EXISTS (SELECT 1 FROM vpc_cidrs v WHERE lf_in_cidr(addr, v.cidr_block))
       THEN 'internal-unknown' ELSE 'external' END;

-- Flow records seen through each function's attributed Lambda ENIs, from the function's side:
-- the peer (the other address), the service port (the lower, non-ephemeral one: whoever owns it
-- is the listener), the direction (outbound when the function connected to the peer's service),
-- and the peer as `peers` names it at the time of the flow (named_kind, peer_name,
-- named_identity; NULL when it does not). A shared Hyperplane ENI's flows appear once per
-- function that may own them, with `ambiguous` true. NODATA / SKIPDATA records are left out.
-- A query that groups flow records first (new-connections) reads this view and names the other
-- peers once per group, as function_flows does per record.
CREATE OR REPLACE VIEW function_flow_records AS
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
k AS (
  SELECT *,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN 'outbound' ELSE 'inbound' END AS direction,
    CASE WHEN coalesce(peer_side_port, 0) <= coalesce(local_port, 0) THEN peer_side_port ELSE local_port END AS service_port
  FROM c
)
-- an equality join plus a BETWEEN: DuckDB runs it as a hash join (an OR of NULL tests made it
-- several times slower on 10M rows)
SELECT k.function_name, k.interface_id AS eni_id, k.start_time, k.end_time,
       k.peer_address, k.service_port, k.protocol, k.direction,
       k.packets, k.bytes, k.action, k.ambiguous,
       p.kind AS named_kind, p.name AS peer_name, p.identity AS named_identity
FROM k
LEFT JOIN peers p
  ON p.address = k.peer_address
 AND k.start_time BETWEEN coalesce(p.valid_from, '-infinity'::TIMESTAMPTZ) AND coalesce(p.valid_to, 'infinity'::TIMESTAMPTZ);

-- function_flow_records with every peer named: a peer `peers` does not name at the time of the
-- flow is internal-unknown (RFC 1918 or a VPC range) or external, with identity 'ip:<address>'.
CREATE OR REPLACE VIEW function_flows AS
WITH r AS MATERIALIZED (
  SELECT * FROM function_flow_records
),
fallback AS (
  -- decided once per address rather than once per flow record
  SELECT peer_address, lf_address_kind(peer_address) AS kind
  FROM (SELECT DISTINCT peer_address FROM r)
)
SELECT
  r.function_name, r.eni_id, r.start_time, r.end_time,
  r.peer_address, r.service_port, r.protocol, r.direction,
  r.packets, r.bytes, r.action, r.ambiguous,
  coalesce(r.named_kind, f.kind) AS peer_kind,
  r.peer_name,
  coalesce(r.named_identity, 'ip:' || r.peer_address) AS peer_identity
FROM r
JOIN fallback f USING (peer_address);
