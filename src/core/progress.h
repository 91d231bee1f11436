/*
 * progress.h - what a person watching migrate sees: one line per finished
 * migration with its elapsed time, and on a terminal a live line while a
 * long one runs.  Everything goes to stderr and is silenced by -quiet.
 */
#ifndef RUNWAY_PROGRESS_H
#define RUNWAY_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Turns the live line on or off (default: on when stderr is a terminal). */
void progress_set_live(bool on);
/* A dry run: finished steps say "would apply", since nothing ran. */
void progress_set_dry_run(bool on);
/* A migration (name: its file name) starts; index is 1-based within total. */
void progress_step_begin(const char *name, size_t index, size_t total);
/* It ended after ms milliseconds. */
void progress_step_end(const char *name, size_t index, size_t total, int64_t ms, bool ok);

#endif
