# The deployment: migrate, then update the app's service; on failure publish
# to SNS and stop.  Start an execution from the pipeline after pushing the
# images: aws stepfunctions start-execution --state-machine-arn ...

resource "aws_sfn_state_machine" "deploy" {
  name     = "${var.name}-deploy"
  role_arn = aws_iam_role.state_machine.arn
  definition = templatefile("${path.module}/state-machine.asl.json", {
    cluster_arn         = var.ecs_cluster_arn
    task_definition_arn = aws_ecs_task_definition.migrate.arn
    subnet_ids          = jsonencode(var.subnet_ids)
    security_group_ids  = jsonencode(var.security_group_ids)
    timeout_seconds     = var.migration_timeout_seconds
    app_service_name    = var.app_service_name
    topic_arn           = aws_sns_topic.migrations.arn
  })
}

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

locals {
  # arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE
  app_service_arn = "${replace(var.ecs_cluster_arn, ":cluster/", ":service/")}/${var.app_service_name}"
}

data "aws_iam_policy_document" "state_machine" {
  statement {
    actions   = ["ecs:RunTask"]
    resources = ["${aws_ecs_task_definition.migrate.arn_without_revision}:*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.ecs_cluster_arn]
    }
  }
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.execution.arn, aws_iam_role.task.arn]
  }
  statement {
    actions   = ["ecs:UpdateService"]
    resources = [local.app_service_arn]
  }
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.migrations.arn]
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name}-deploy-state-machine"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "deploy"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}
