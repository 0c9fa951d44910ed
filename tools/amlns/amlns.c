/*
 * amlns: print the ACPI namespace that lib/aml builds from a machine's
 * tables, one object per line, in the form the corpus test compares with
 * ACPICA's acpiexec:
 *
 *	\_SB_.PCI0.LPCB Device
 *	\_SB_.PCI0._OSC Method 4
 *
 * Input is a folder holding dsdt.dat and ssdt*.dat (loaded DSDT first,
 * then SSDTs by number, the XSDT order acpidump numbers them in), or the
 * table files themselves in load order.  Options:
 *	-v	diagnostics on stderr
 *	-e	also print External() placeholders
 *	-c	mark objects declared under a module-level If with " ?"
 *	-o	append " @N", N the index of the defining table
 *	-s	sleep states instead of the namespace
 *	-d ID	devices with _HID/_CID ID and their I/O ports
 *	-b N	benchmark: build N times, print the median time in microseconds
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <tv/aml.h>

#define MAX_TABLES	200

struct opts {
	bool verbose, externals, sleep, cond, owner;
	const char *device;
	int bench;
};

struct input {
	char *path[MAX_TABLES];
	struct aml_table t[MAX_TABLES];
	u32 n;
};

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "amlns: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static void read_table(struct input *in, const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;
	u8 *buf;

	if (!f)
		die("cannot open", path);
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("cannot read", path);
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		die("cannot read", path);
	fclose(f);
	if (in->n == MAX_TABLES)
		die("too many tables", path);
	in->path[in->n] = strdup(path);
	in->t[in->n].data = buf;
	in->t[in->n++].len = (u32)len;
}

/* ssdt.dat -> 0, ssdt12.dat -> 12; -1 if not an SSDT file name. */
static long ssdt_number(const char *name)
{
	char *end;
	long v;

	if (strncmp(name, "ssdt", 4) || strcmp(name + strlen(name) - 4, ".dat"))
		return -1;
	if (!strcmp(name, "ssdt.dat"))
		return 0;
	v = strtol(name + 4, &end, 10);
	return strcmp(end, ".dat") ? -1 : v;
}

static int by_number(const void *a, const void *b)
{
	long x = ssdt_number(*(char *const *)a), y = ssdt_number(*(char *const *)b);

	return (x > y) - (x < y);
}

static void read_dir(struct input *in, const char *dir)
{
	char *names[MAX_TABLES], path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);
	u32 n = 0, i;

	if (!d)
		die("cannot open folder", dir);
	snprintf(path, sizeof(path), "%s/dsdt.dat", dir);
	read_table(in, path);
	while ((e = readdir(d)))
		if (ssdt_number(e->d_name) >= 0 && n < MAX_TABLES)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), by_number);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		read_table(in, path);
		free(names[i]);
	}
}

static void print_diag(void *ctx, const struct aml_diag *d)
{
	static const char *const sev[] = { "note", "warning", "error" };

	fprintf(stderr, "%s#%u+0x%x %s: %s: %s", d->sig, d->table, d->offset,
		d->path, sev[d->sev], d->msg);
	if (d->opcode)
		fprintf(stderr, " (opcode 0x%x)", d->opcode);
	if (d->name[0])
		fprintf(stderr, " [%s]", d->name);
	fprintf(stderr, " {%s}\n", aml_diag_name(d->code));
}

static int print_node(void *ctx, struct aml_node *n, u32 depth)
{
	const struct opts *o = ctx;
	char path[512];

	if ((n->flags & AML_NF_EXTERNAL) && !o->externals)
		return 0;
	if (aml_node_path(n, path, sizeof(path)))
		return 0;
	if (n->type == AML_T_METHOD)
		printf("%s %s %u", path, aml_type_name(n->type), n->argc);
	else
		printf("%s %s", path, aml_type_name(n->type));
	if (o->cond && (n->flags & AML_NF_CONDITIONAL))
		printf(" ?");
	if (o->owner && n->table != AML_NO_TABLE)
		printf(" @%u", n->table);
	printf("\n");
	return 0;
}

static void print_sleep(const struct aml_ns *ns)
{
	unsigned int s;
	bool cond;
	u8 a, b;
	int err;

	for (s = 0; s <= 5; s++) {
		err = aml_sleep_state(ns, s, &a, &b, &cond);
		if (err)
			printf("S%u %s\n", s, err == -ENOENT ? "absent" : "not static");
		else
			printf("S%u SLP_TYPa=%u SLP_TYPb=%u%s\n", s, a, b,
			       cond ? " (conditional)" : "");
	}
}

static int print_device(void *ctx, struct aml_node *dev)
{
	struct aml_io_range io[8];
	char path[512];
	u32 n, i;
	int err;

	aml_node_path(dev, path, sizeof(path));
	printf("%s", path);
	err = aml_device_io(ctx, dev, io, 8, &n);
	for (i = 0; !err && i < n; i++)
		printf(" io 0x%x+%u", io[i].base, io[i].len);
	if (err)
		printf(" io unknown");
	printf("\n");
	return 0;
}

static struct aml_ns *build(struct input *in, void **mem, size_t *size,
			    const struct aml_log *log)
{
	struct aml_ns *ns;
	int err;

	for (;;) {
		err = aml_namespace_build(&ns, *mem, *size, in->t, in->n, log);
		if (err != -ENOMEM)
			break;
		free(*mem);
		*size *= 2;
		*mem = malloc(*size);
		if (!*mem)
			die("out of memory", NULL);
	}
	if (err)
		die("namespace build failed", strerror(-err));
	return ns;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void bench(struct input *in, void **mem, size_t *size, int runs)
{
	double *t = calloc((size_t)runs, sizeof(*t)), t0;
	struct aml_stats st;
	struct aml_ns *ns;
	int i;

	if (!t)
		die("out of memory", NULL);
	for (i = 0; i < runs; i++) {
		t0 = now_us();
		ns = build(in, mem, size, NULL);
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	aml_stats(ns, &st);
	printf("median_us %.1f min_us %.1f nodes %u arena %zu\n",
	       t[runs / 2], t[0], st.nodes, st.arena_used);
	free(t);
}

static void free_input(struct input *in, void *mem)
{
	u32 i;

	for (i = 0; i < in->n; i++) {
		free(in->path[i]);
		free(in->t[i].data);
	}
	free(mem);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt(argc, argv, "vecosd:b:")) != -1) {
		switch (c) {
		case 'v': o->verbose = true; break;
		case 'e': o->externals = true; break;
		case 'c': o->cond = true; break;
		case 'o': o->owner = true; break;
		case 's': o->sleep = true; break;
		case 'd': o->device = optarg; break;
		case 'b': o->bench = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: amlns [-v] [-e] [-c] [-o] [-s] [-d ID] [-b N] "
				"DIR | TABLE...\n");
			exit(2);
		}
	}
	if (optind >= argc)
		die("no input", NULL);
}

int main(int argc, char **argv)
{
	struct aml_log log = { .fn = print_diag };
	static struct input in;
	struct opts o = { 0 };
	struct stat sb;
	struct aml_ns *ns;
	size_t size;
	void *mem;
	int i;

	parse_opts(argc, argv, &o);
	if (stat(argv[optind], &sb))
		die("cannot open", argv[optind]);
	if (S_ISDIR(sb.st_mode))
		read_dir(&in, argv[optind]);
	else
		for (i = optind; i < argc; i++)
			read_table(&in, argv[i]);
	size = aml_arena_hint(in.t, in.n);
	mem = malloc(size);
	if (!mem)
		die("out of memory", NULL);
	if (o.bench > 0) {
		bench(&in, &mem, &size, o.bench);
		free_input(&in, mem);
		return 0;
	}
	ns = build(&in, &mem, &size, o.verbose ? &log : NULL);
	if (o.sleep)
		print_sleep(ns);
	else if (o.device)
		aml_find_devices(ns, o.device, print_device, ns);
	else
		aml_walk(ns, print_node, &o);
	free_input(&in, mem);
	return 0;
}
