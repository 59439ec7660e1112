-- Report: what is known about one function for its section header.
-- Parameters: $function.

-- name: info
SELECT
  f.function_name,
  f.sources,
  f.first_seen,
  f.last_seen,
  f.role_arns,
  (SELECT runtime FROM lambda_functions l WHERE l.function_name = f.function_name ORDER BY last_modified DESC NULLS LAST, file_id DESC LIMIT 1) AS runtime,
  (SELECT vpc_id FROM lambda_functions l WHERE l.function_name = f.function_name ORDER BY last_modified DESC NULLS LAST, file_id DESC LIMIT 1) AS vpc_id,
  (SELECT function_arn FROM lambda_functions l WHERE l.function_name = f.function_name ORDER BY last_modified DESC NULLS LAST, file_id DESC LIMIT 1) AS function_arn
FROM functions f
WHERE f.function_name = $function;
