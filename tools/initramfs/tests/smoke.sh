# smoke: the guest runs; show what it sees.
. /tests/lib.sh
n=$(grep -c '^processor' /proc/cpuinfo)
echo "smoke: processors=$n"
echo "smoke: uname=$(uname -a)"
[ "$n" -ge 1 ] || fail "no processor in /proc/cpuinfo"
