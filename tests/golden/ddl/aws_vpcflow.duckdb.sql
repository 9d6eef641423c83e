CREATE OR REPLACE VIEW "aws_vpcflow" AS
SELECT * FROM read_parquet(
  's3://example-lake/logschema/aws_vpcflow/year=*/month=*/day=*/hour=*/*.parquet',
  hive_partitioning = true,
  hive_types = {'year': INTEGER, 'month': INTEGER, 'day': INTEGER, 'hour': INTEGER},
  union_by_name = true
);
