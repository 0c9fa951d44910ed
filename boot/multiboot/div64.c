/*
 * 64-bit division for 32-bit code.  gcc turns u64 '/' and '%' into calls
 * to these libgcc helpers when it compiles for i386 (lib/fmt prints
 * 64-bit numbers); Debian's gcc has no 32-bit libgcc unless gcc-multilib
 * is installed, so the stub brings its own: plain shift-and-subtract,
 * which is plenty for printing a few numbers at boot.
 */
#include <tv/types.h>

u64 __udivmoddi4(u64 n, u64 d, u64 *rem);
u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
s64 __divdi3(s64 n, s64 d);
s64 __moddi3(s64 n, s64 d);

u64 __udivmoddi4(u64 n, u64 d, u64 *rem)
{
	u64 q = 0, r = 0;
	int i;

	if (!d)
		__builtin_trap();
	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ULL << i;
		}
	}
	if (rem)
		*rem = r;
	return q;
}

u64 __udivdi3(u64 n, u64 d)
{
	return __udivmoddi4(n, d, NULL);
}

u64 __umoddi3(u64 n, u64 d)
{
	u64 r;

	__udivmoddi4(n, d, &r);
	return r;
}

s64 __divdi3(s64 n, s64 d)
{
	u64 q = __udivmoddi4(n < 0 ? -(u64)n : (u64)n,
			     d < 0 ? -(u64)d : (u64)d, NULL);

	return (n < 0) != (d < 0) ? -(s64)q : (s64)q;
}

s64 __moddi3(s64 n, s64 d)
{
	u64 r;

	__udivmoddi4(n < 0 ? -(u64)n : (u64)n, d < 0 ? -(u64)d : (u64)d, &r);
	return n < 0 ? -(s64)r : (s64)r;
}
