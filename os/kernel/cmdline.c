// Kernel command line lookups. Words are separated by spaces; the first
// matching word wins.
#include "cmdline.h"

#include "lib/string.h"

// Finds the word starting with key followed by '=', a space or the end.
// Returns a pointer just past the key, or NULL.
static const char *find_key(const char *cmdline, const char *key)
{
    size_t key_len = strlen(key);
    const char *p = cmdline;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        const char *word = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
        size_t word_len = (size_t)(p - word);
        if (word_len >= key_len && strncmp(word, key, key_len) == 0 &&
            (word_len == key_len || word[key_len] == '=')) {
            return word + key_len;
        }
    }
    return NULL;
}

bool cmdline_has(const char *cmdline, const char *key)
{
    return key[0] != '\0' && find_key(cmdline, key) != NULL;
}

bool cmdline_get(const char *cmdline, const char *key, char *out, size_t size)
{
    const char *rest = find_key(cmdline, key);
    if (rest == NULL || *rest != '=' || size == 0) {
        return false;
    }
    rest++;
    size_t n = 0;
    while (rest[n] != '\0' && rest[n] != ' ' && n + 1 < size) {
        out[n] = rest[n];
        n++;
    }
    out[n] = '\0';
    return true;
}
