/* A "plain" LXC config: only blank lines, comments and entries whose key takes any non-empty
 * value (keys.ts plainKeyRules). Such a config has nothing for the parser to report, so the
 * lxcpath reader returns just the values a listing needs instead of the text. Anything else, or
 * any doubt, is not plain: the JS parser stays the one authority on LXC's rules. */
#ifndef STRATA_PLAIN_CONFIG_H
#define STRATA_PLAIN_CONFIG_H

#include <stddef.h>
#include <node_api.h>

#define MAX_WANTED 4
#define MAX_KEY 256
/* values kept of one wanted key (lxc.idmap has a line per range); a config with more is left to the parser */
#define MAX_VALUES 16

/* keys.ts PlainKeyRules, each list sorted for bsearch, plus the wanted keys */
typedef struct {
  char **exact, **net, **families, **wanted;
  size_t n_exact, n_net, n_families, n_wanted;
} plain_rules;

typedef struct {
  const char *start; /* into the config text */
  size_t len;
} value_span;

/* every value of one wanted key, in file order; n == 0 when the key is absent */
typedef struct {
  value_span v[MAX_VALUES];
  size_t n;
} value_list;

/* From JS {exact, netSubkeys, families, wanted} (arrays of strings); 0, with a JS error, if malformed. */
int plain_rules_from_js(napi_env env, napi_value arg, plain_rules *r);
void plain_rules_free(plain_rules *r);

/* Whether text[0, len) is a plain config; if so, values[w] holds every value of wanted[w]. */
int plain_config_scan(const plain_rules *r, const char *text, size_t len, value_list *values);

#endif
