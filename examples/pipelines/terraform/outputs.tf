output "state_machine_arn" {
  value = aws_sfn_state_machine.deploy.arn
}

output "migration_task_definition" {
  value = aws_ecs_task_definition.migrate.arn
}
