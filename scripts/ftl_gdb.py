# gdb commands for an FTL system, sourced by the gdb script that
# `ftl run --gdb` writes (build/run/gdbinit); the SDK ships it as
# base/ftl_gdb.py. docs/guides/debugging.md explains the commands.
#
# Where a service's program is in memory:
# - user mode: at 0x400000, in every user process's own address space. gdb
#   sees one address space at a time (the running one), so only one
#   user-mode program's symbols are loaded at a time: `ftl-symbols NAME`
#   swaps them.
# - kernel mode: in the process's slot of the kernel's half, at an address
#   the kernel picks when it starts the process (the slot and a cache
#   colour). The kernel records it in struct process (image_base) and keeps
#   its kernel-mode processes in process_slots[]; a hardware breakpoint on
#   loader_debug_loaded, which the loader calls before a new process runs,
#   loads each kernel-mode program's symbols there as it starts (a restart
#   may move it), and `ftl-symbols` reads process_slots[] for the ones
#   already running when gdb attached.
#
# Programs are linked at 0 (static PIE), so `add-symbol-file FILE -o BASE`
# puts them where they run.
import gdb

USER_IMAGE_BASE = 0x400000

# Process name -> [program path, "user" or "kernel"], from the gdb script.
programs = {}
# What is loaded: process name -> (path, base). At most one user-mode one.
loaded = {}
# The kernel's variables, as values of its own types: once the programs'
# symbols are loaded too, a name looked up from a frame in one of them may
# find another definition (the kernel's link-time optimised debug
# information has location-less copies of some).
kernel = {}


def init():
    """Takes the kernel's variables while its symbols are the only ones."""
    kernel["cpu"] = gdb.parse_and_eval("&boot_cpu")
    kernel["slots"] = gdb.parse_and_eval("&process_slots")
    kernel["process"] = gdb.lookup_type("struct process").pointer()
    # The same for the user: `p *$ftl_cpu->current` from any stop.
    gdb.set_convenience_variable("ftl_cpu", kernel["cpu"])
    gdb.set_convenience_variable("ftl_slots", kernel["slots"])


def current_process():
    """The running process (a struct process value), or None in a thread
    of the kernel's own."""
    p = kernel["cpu"].dereference()["current"]["process"]
    return None if int(p) == 0 else p.dereference()


def add_program(name, path, isolation):
    programs[name] = [path, isolation]


def _entry(path):
    # e_entry of the ELF header: an address inside .text, which
    # `remove-symbol-file -a` needs (the base itself is in no section).
    with open(path, "rb") as f:
        header = f.read(32)
    return int.from_bytes(header[24:32], "little")


def _unload(name):
    path, base = loaded.pop(name)
    gdb.execute("remove-symbol-file -a %#x" % (base + _entry(path)),
                to_string=True)


def load(name, base):
    """Loads the symbols of process `name`'s program at base; False when
    the program is not known (a process the system's specs do not name)."""
    if name not in programs:
        return False
    path = programs[name][0]
    if loaded.get(name) == (path, base):
        return True
    if name in loaded:
        _unload(name)
    # Whatever was at base before: another user-mode program, or the one
    # of a kernel-mode process that has exited and left its slot to this.
    for other in [n for n, (_, b) in loaded.items() if b == base]:
        _unload(other)
    gdb.execute('add-symbol-file "%s" -o %#x' % (path, base), to_string=True)
    loaded[name] = (path, base)
    return True


def _process_fields(p):
    return (p["name"].string(), bool(p["kernel_mode"]),
            int(p["image_base"]))


def kernel_mode_processes():
    """(name, image base) of each kernel-mode process with its program
    loaded, from the kernel's process_slots[]."""
    slots = kernel["slots"].dereference()
    slots.fetch_lazy()  # one read of the whole table
    found = []
    for i in range(slots.type.range()[1] + 1):
        p = slots[i]
        if int(p) == 0:
            continue
        name, _, base = _process_fields(p.dereference())
        if base != 0:
            found.append((name, base))
    return found


class LoadedBreakpoint(gdb.Breakpoint):
    """On loader_debug_loaded(struct process *p): loads a kernel-mode
    program's symbols where it was just put, and goes on."""

    def __init__(self):
        super().__init__("*loader_debug_loaded",
                         type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
        self.silent = True

    def stop(self):
        p = gdb.parse_and_eval("$rdi").cast(kernel["process"]).dereference()
        name, kernel_mode, base = _process_fields(p)
        if kernel_mode and load(name, base):
            print("ftl: %s started in kernel mode: symbols at %#x" %
                  (name, base))
        return False


class SymbolsCommand(gdb.Command):
    """Loads the symbols of the system's programs.

ftl-symbols        the kernel-mode services that run, at their addresses
                   (dropping those of exited ones), and lists what is
                   loaded.
ftl-symbols NAME   the user-mode service NAME at 0x400000, in place of the
                   user-mode service loaded before (they all share that
                   address, each in its own address space)."""

    def __init__(self):
        super().__init__("ftl-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if name:
            if programs.get(name, [None, None])[1] != "user":
                raise gdb.GdbError("ftl-symbols: %s is not a user-mode "
                                   "service of this system (%s)" %
                                   (name, ", ".join(sorted(programs))))
            load(name, USER_IMAGE_BASE)
        else:
            try:
                running = kernel_mode_processes()
            except gdb.MemoryError:
                # Stopped before the kernel has mapped itself (--gdb-wait).
                print("ftl: the kernel has not started: kernel-mode "
                      "services get their symbols as they start")
                running = []
            for n, base in running:
                load(n, base)
            names = [n for n, _ in running]
            for n in [n for n, (_, b) in loaded.items()
                      if b != USER_IMAGE_BASE and n not in names]:
                _unload(n)  # a kernel-mode process that has exited
        for n, (path, base) in sorted(loaded.items()):
            print("ftl: %-16s %#018x  %s" % (n, base, path))


class InFunction(gdb.Function):
    """$ftl_in("NAME"): 1 when the running process is NAME, else 0. For
breakpoint conditions in a user-mode service: `break f if $ftl_in("web")`."""

    def __init__(self):
        super().__init__("ftl_in")

    def invoke(self, name):
        p = current_process()
        return int(p is not None and p["name"].string() == name.string())


class ProcessFunction(gdb.Function):
    """$ftl_process(): the running process's name ("" in the kernel's own
threads)."""

    def __init__(self):
        super().__init__("ftl_process")

    def invoke(self):
        p = current_process()
        return "" if p is None else p["name"].string()


SymbolsCommand()
InFunction()
ProcessFunction()
