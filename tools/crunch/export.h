/* --export: the published files as plain files, for preview and comparison. */
#ifndef CRUNCH_EXPORT_H
#define CRUNCH_EXPORT_H

#include "http_file.h"

/*
 * Writes every file's identity body to dir + its URL path, creating
 * directories as needed. Returns 0, or the number of files that failed
 * (each reported with diag).
 */
unsigned export_files(const char *dir, const struct http_files *files);

#endif
