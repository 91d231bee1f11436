/*
 * fleet.h - runs the commands of one command line over many targets
 * (-tenantSchemas, -targets), -parallel at a time, each target in a
 * process of its own.
 */
#ifndef RUNWAY_CLI_FLEET_H
#define RUNWAY_CLI_FLEET_H

#include "core/config.h"
#include "core/util.h"

/* Returns the process exit code (FLEET_EXIT_* in core/fleet.h, or 130/143 when interrupted). */
int fleet_main(rw_config *cfg, const strlist *commands, bool json, char *const *envp);

#endif
