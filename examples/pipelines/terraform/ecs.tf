# The migration task: runway's image with the scripts, run once per
# deployment by the state machine.  runway reads the database from the
# secret and answers the state machine's task token itself (the token comes
# in RUNWAY_SFN_TASK_TOKEN through a container override).

resource "aws_cloudwatch_log_group" "migrations" {
  name              = "/ecs/${var.name}-migrations"
  retention_in_days = 30
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = "${var.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  container_definitions = jsonencode([{
    name      = "runway"
    image     = var.migration_image
    essential = true
    command   = ["migrate"]
    environment = [
      { name = "RUNWAY_AWS_SECRET_ID", value = var.db_secret_arn },
      { name = "AWS_REGION", value = var.region },
    ]
    # stdout goes to CloudWatch Logs, where runway's Embedded Metric Format
    # lines become the Runway/MigrationsFailed metric the alarm watches.
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.migrations.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "migrate"
      }
    }
  }])
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Pulls the image and writes the logs.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-migrate-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# What runway itself does: read the one database secret and answer the task
# token.  Step Functions' task-token calls take no resource ARN.
data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.db_secret_arn]
  }
  statement {
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-migrate-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task" {
  name   = "runway"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
