// What a sink can watch: channel ends, timers and interrupts embed a struct
// waitable, and call waitable_notify() when they may have something to
// report. The sink asks the object itself what the event is (sink.c), so a
// notification carries no data and can never be lost or stale.
#pragma once

struct watch;

struct waitable {
    struct watch *watches; // every sink registration on this object
};

// Queues every watch of w on its sink's ready list and wakes the sinks'
// waiters.
void waitable_notify(struct waitable *w);

// Removes every watch of w (the object is being destroyed).
void waitable_detach_all(struct waitable *w);
