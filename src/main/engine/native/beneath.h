/* beneath.c: synchronous, symlink-proof writes below a root, and RENAME_EXCHANGE. */
#ifndef STRATA_NATIVE_BENEATH_H
#define STRATA_NATIVE_BENEATH_H
#include "common.h"
napi_value js_write_file_beneath(napi_env env, napi_callback_info info);
napi_value js_exchange_paths(napi_env env, napi_callback_info info);
#endif
