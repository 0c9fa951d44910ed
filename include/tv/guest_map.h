/* The guest-physical map (NPT/EPT); see core/guest_map.c. */
#ifndef TV_GUEST_MAP_H
#define TV_GUEST_MAP_H

#include <tv/paging.h>

extern struct pt guest_pt;
int guest_map_init(enum pt_format format, bool large_1g, u64 top);
int guest_map_trap(u64 base, u64 size);
int guest_map_untrap(u64 base, u64 size);
/* Maps a range of ours like the region: zeros for reads, writes fault. */
int guest_map_hide(u64 base, u64 size);
bool guest_map_accessible(u64 gpa, bool write);
u64 guest_map_zero_page(void);
/* [base, base + size) lies inside the map (identity, 0..top). */
bool guest_map_covers(u64 base, u64 size);

#endif
