# Mail someone when a migration fails, wherever it ran: runway prints one
# CloudWatch Embedded Metric Format line per command (namespace Runway,
# dimension Command), which CloudWatch Logs turns into metrics.

resource "aws_sns_topic" "migrations" {
  name = "${var.name}-migrations"
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.migrations.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "migration_failed" {
  alarm_name          = "${var.name}-migration-failed"
  alarm_description   = "A runway migration failed; the app was not deployed."
  namespace           = "Runway"
  metric_name         = "MigrationsFailed"
  dimensions          = { Command = "migrate" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.migrations.arn]
}
