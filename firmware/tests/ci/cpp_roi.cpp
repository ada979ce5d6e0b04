/* ci/cpp_roi: C++ names as thimble shows and accepts them.  tiny::infer is
 * overloaded (int8 and int16 input), tiny::Model::run is a member function;
 * their symbols are mangled (_ZN4tiny5inferERKNS_5LayerEPKaj, ...).  thimble
 * must accept `--roi tiny::infer` (every overload, one row each) and show the
 * demangled names in its report, disassembly and debugger. */
#include <stdint.h>

extern "C" {
#include "semihosting.h"
}

namespace tiny {

struct Layer {
    int32_t scale;
    int32_t bias;
};

__attribute__((noinline)) int32_t infer(const Layer &l, const int8_t *in, uint32_t n)
{
    int32_t acc = l.bias;
    for (uint32_t i = 0; i < n; i++) {
        acc += l.scale * in[i];
    }
    return acc;
}

__attribute__((noinline)) int32_t infer(const Layer &l, const int16_t *in, uint32_t n)
{
    int32_t acc = l.bias;
    for (uint32_t i = 0; i < n; i++) {
        acc += (l.scale * in[i]) >> 4;
    }
    return acc;
}

class Model {
public:
    explicit Model(int32_t scale) : layer_{scale, 3} {}

    __attribute__((noinline)) int32_t run(const int8_t *x8, const int16_t *x16, uint32_t n) const
    {
        return infer(layer_, x8, n) + infer(layer_, x16, n);
    }

private:
    Layer layer_;
};

} // namespace tiny

static int8_t input8[256];
static int16_t input16[256];

int main()
{
    for (uint32_t i = 0; i < 256; i++) {
        input8[i] = (int8_t)(i * 7);
        input16[i] = (int16_t)(i * 301);
    }
    const tiny::Model model(5);
    int32_t sum = 0;
    for (int rep = 0; rep < 3; rep++) {
        sum += model.run(input8, input16, 64u << rep);
    }
    sh_write0(sum != 0 ? "cpp_roi: done\n" : "cpp_roi: zero\n");
    sh_exit(0);
}
