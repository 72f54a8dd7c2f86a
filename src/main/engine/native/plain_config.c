/* Recognising a plain config (see plain_config.h), and the rules for it as handed over from JS. */
#include "plain_config.h"
#include <stdlib.h>
#include <string.h>

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int compare_key(const void *key, const void *entry) { return strcmp(key, *(char *const *)entry); }
static int compare_key_entries(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int in_sorted(char **list, size_t n, const char *key) {
  return n > 0 && bsearch(key, list, n, sizeof *list, compare_key) != NULL;
}

/* lookupKey's three shapes, for keys that take any non-empty value (keys.ts plainKeyRules). */
static int key_is_plain(const plain_rules *r, const char *text, size_t len) {
  char key[MAX_KEY];
  if (len >= sizeof key) return 0;
  memcpy(key, text, len);
  key[len] = 0;
  if (in_sorted(r->exact, r->n_exact, key)) return 1;
  if (strncmp(key, "lxc.net.", 8) == 0) {
    size_t i = 8;
    while (key[i] >= '0' && key[i] <= '9') i++;
    return i > 8 && key[i] == '.' && in_sorted(r->net, r->n_net, key + i + 1);
  }
  for (size_t f = 0; f < r->n_families; f++) {
    size_t fl = strlen(r->families[f]);
    if (len > fl + 1 && strncmp(key, r->families[f], fl) == 0 && key[fl] == '.') return 1;
  }
  return 0;
}

/* Whether the config is plain (see the top of this file), filling the wanted values if so.
 * The line rules are parse.ts classifyLine's, for the only lines a plain config may hold:
 * lines end at \n (a \r anywhere, or a NUL, leaves the file to the parser); blanks are space
 * and tab; an entry starts with "lxc.", has "=", and its value loses surrounding blanks and one
 * pair of matching quotes. */
int plain_config_scan(const plain_rules *r, const char *text, size_t len, value_list *values) {
  memset(values, 0, sizeof(value_list) * MAX_WANTED);
  if (memchr(text, '\0', len) || memchr(text, '\r', len)) return 0;
  for (size_t pos = 0; pos < len;) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len, s = pos;
    pos = end + 1;
    while (s < end && is_blank(text[s])) s++;
    if (s == end || text[s] == '#') continue;
    if (end - s < 4 || memcmp(text + s, "lxc.", 4) != 0) return 0; /* not an entry: the parser decides */
    const char *eq = memchr(text + s, '=', end - s);
    if (!eq) return 0;
    size_t key_end = (size_t)(eq - text), vs = key_end + 1, ve = end;
    while (key_end > s && is_blank(text[key_end - 1])) key_end--;
    while (vs < ve && is_blank(text[vs])) vs++;
    while (ve > vs && is_blank(text[ve - 1])) ve--;
    if (ve - vs > 1 && (text[vs] == '"' || text[vs] == '\'') && text[ve - 1] == text[vs]) vs++, ve--;
    if (ve == vs) return 0; /* an empty value clears, or is refused: the parser decides */
    if (!key_is_plain(r, text + s, key_end - s)) return 0;
    for (size_t w = 0; w < r->n_wanted; w++) {
      if (strlen(r->wanted[w]) == key_end - s && memcmp(r->wanted[w], text + s, key_end - s) == 0) {
        if (values[w].n == MAX_VALUES) return 0; /* more than a listing keeps: the parser decides */
        values[w].v[values[w].n].start = text + vs;
        values[w].v[values[w].n++].len = ve - vs;
      }
    }
  }
  return 1;
}

/* obj.<name>: an array of strings, copied into a malloc'd list, sorted when asked; 0 on error. */
static int string_list(napi_env env, napi_value obj, const char *name, int sorted, char ***out, size_t *n) {
  napi_value arr, item;
  uint32_t len = 0;
  *out = NULL;
  *n = 0;
  if (napi_get_named_property(env, obj, name, &arr) != napi_ok || napi_get_array_length(env, arr, &len) != napi_ok) return 0;
  char **list = calloc(len ? len : 1, sizeof *list);
  if (!list) return 0;
  *out = list;
  for (uint32_t i = 0; i < len; i++) {
    char buf[MAX_KEY];
    size_t blen = 0;
    if (napi_get_element(env, arr, i, &item) != napi_ok || napi_get_value_string_utf8(env, item, buf, sizeof buf, &blen) != napi_ok) return 0;
    if (!(list[i] = strdup(buf))) return 0;
    *n = i + 1;
  }
  if (sorted) qsort(list, *n, sizeof *list, compare_key_entries);
  return 1;
}

static void free_list(char **list, size_t n) {
  for (size_t i = 0; i < n; i++) free(list[i]);
  free(list);
}

void plain_rules_free(plain_rules *r) {
  free_list(r->exact, r->n_exact);
  free_list(r->net, r->n_net);
  free_list(r->families, r->n_families);
  free_list(r->wanted, r->n_wanted);
}

int plain_rules_from_js(napi_env env, napi_value arg, plain_rules *r) {
  int ok = string_list(env, arg, "exact", 1, &r->exact, &r->n_exact) && string_list(env, arg, "netSubkeys", 1, &r->net, &r->n_net) &&
           string_list(env, arg, "families", 0, &r->families, &r->n_families) && string_list(env, arg, "wanted", 0, &r->wanted, &r->n_wanted) &&
           r->n_wanted <= MAX_WANTED;
  if (!ok) {
    plain_rules_free(r);
    napi_throw_type_error(env, NULL, "readContainerDirs: plain must be {exact, netSubkeys, families, wanted} of strings (at most 4 wanted)");
  }
  return ok;
}
