#ifndef MAC_EXPAND_H
#define MAC_EXPAND_H
/*
 * NAME
 *	mac_expand - $name macro expansion
 * SUMMARY
 *	typedef const char *(*mac_lookup_fn)(const char *name, void *ctx);
 *	int mac_expand(struct vstr *out, const char *text, int flags,
 *	    mac_lookup_fn lookup, void *ctx, struct vstr *why);
 * DESCRIPTION
 *	mac_expand() appends text to out with macro references replaced:
 *
 *	$name, ${name}, $(name)	the value of name; empty when undefined.
 *	${name?text}		text when name has a non-empty value.
 *	${name:text}		text when name is undefined or empty.
 *	${name?{t1}:{t2}}	t1 when name has a non-empty value, else t2.
 *	${{a} op {b} ? {t1} : {t2}}
 *				t1 when the comparison holds, else t2
 *				(": {t2}" may be left out). op is one of
 *				== != < <= >= > (numeric when both sides
 *				are numbers, else byte order), or
 *				<level <=level >level >=level ==level
 *				!=level (compatibility levels "3.6").
 *	$$			a single $.
 *
 *	Names are letters, digits and underscores. Conditional texts and
 *	the operands of a comparison are themselves expanded. With
 *	MAC_EXP_RECURSE, values obtained from lookup are expanded too, up
 *	to MAC_EXP_DEPTH levels ("unreasonable macro call nesting").
 *
 *	The result is a mask: MAC_UNDEF when a referenced name was
 *	undefined (lookup returned NULL), MAC_ERROR on a syntax error or
 *	runaway recursion, with the reason in why (and out unreliable).
 */
struct vstr;

typedef const char *(*mac_lookup_fn)(const char *name, void *ctx);

#define MAC_EXP_RECURSE (1 << 0)

#define MAC_UNDEF (1 << 0)
#define MAC_ERROR (1 << 1)

#define MAC_EXP_DEPTH 100

extern int mac_expand(struct vstr *, const char *, int, mac_lookup_fn, void *,
                      struct vstr *);
extern int compat_level_cmp(const char *, const char *, int *);

#endif
