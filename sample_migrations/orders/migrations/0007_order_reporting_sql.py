# RunSQL in its different shapes:
# 1. a single statement with reverse_sql (a reporting view);
# 2. a list of statements, creating an index by hand (BRIN), with a list as
#    reverse_sql;
# 3. several statements in one string;
# 4. a named CHECK constraint added by hand (NOT VALID, then VALIDATE) with
#    state_operations telling Django about it;
# 5. a parametrised statement given as a (sql, params) pair, reverse is noop.
import django
from django.db import migrations, models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0006_remove_orderline_order_product_uniq"),
    ]

    operations = [
        migrations.RunSQL(
            sql="""
                CREATE VIEW orders_daily_revenue AS
                SELECT date_trunc('day', created_at) AS day,
                       count(*) AS orders,
                       sum(total) AS revenue
                FROM orders_order
                WHERE status <> 'cancelled'
                GROUP BY 1
            """,
            reverse_sql="DROP VIEW orders_daily_revenue",
        ),
        migrations.RunSQL(
            sql=[
                "CREATE INDEX orders_order_created_brin "
                "ON orders_order USING brin (created_at)",
                "CREATE INDEX orders_order_tracking_upper "
                "ON orders_order (upper(tracking_number)) "
                "WHERE tracking_number IS NOT NULL",
            ],
            reverse_sql=[
                "DROP INDEX orders_order_tracking_upper",
                "DROP INDEX orders_order_created_brin",
            ],
        ),
        migrations.RunSQL(
            sql=(
                "COMMENT ON COLUMN orders_order.status IS 'Workflow state';"
                "COMMENT ON COLUMN orders_order.total IS 'Gross total, incl. VAT';"
            ),
            reverse_sql=(
                "COMMENT ON COLUMN orders_order.status IS NULL;"
                "COMMENT ON COLUMN orders_order.total IS NULL;"
            ),
        ),
        migrations.RunSQL(
            sql=[
                "ALTER TABLE orders_orderline ADD CONSTRAINT orderline_quantity_gt_0 "
                "CHECK (quantity > 0) NOT VALID",
                "ALTER TABLE orders_orderline "
                "VALIDATE CONSTRAINT orderline_quantity_gt_0",
            ],
            reverse_sql=(
                "ALTER TABLE orders_orderline DROP CONSTRAINT orderline_quantity_gt_0"
            ),
            state_operations=[
                migrations.AddConstraint(
                    model_name="orderline",
                    constraint=models.CheckConstraint(
                        **{CHECK: models.Q(("quantity__gt", 0))},
                        name="orderline_quantity_gt_0",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(
            sql=[
                (
                    "UPDATE orders_order SET status = %s WHERE status = %s",
                    ["cancelled", "canceled"],
                ),
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
