#include <png.h>
#include "png_edge.h"
