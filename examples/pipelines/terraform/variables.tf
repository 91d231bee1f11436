variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "name" {
  description = "Prefix of every resource this module creates."
  type        = string
  default     = "app"
}

variable "migration_image" {
  description = "The migration image (runway's image with the scripts, built from ../db), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app-migrations:1f2e3d."
  type        = string
}

variable "db_secret_arn" {
  description = "Secrets Manager secret with the database's engine, host, port, dbname, username and password (as RDS writes it)."
  type        = string
}

variable "ecs_cluster_arn" {
  description = "The ECS cluster the app runs on; the migration task runs there too."
  type        = string
}

variable "app_service_name" {
  description = "The app's ECS service, redeployed after a successful migration."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets that reach the database and Secrets Manager."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the migration task; the database must accept them."
  type        = list(string)
}

variable "alarm_email" {
  description = "Who is mailed when a migration fails."
  type        = string
}

variable "migration_timeout_seconds" {
  description = "How long the state machine waits for the migration task's answer."
  type        = number
  default     = 3600
}
