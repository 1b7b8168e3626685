#include <oneapi/dnnl/dnnl.h>

// The OpenMP runtime Debian's oneDNN threads with (libgomp). Declared here rather than through <omp.h>,
// which lives in GCC's private include directory: the engine only ever sets the calling thread's team
// size to one, because it splits work across its own threads.
void omp_set_num_threads(int);
