//! Lowers the IR to C: checks every operator against what the kernels in
//! `firmware/nn` support, precomputes the requantization parameters, plans
//! the arena and writes the model's `.c` and `.h`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::ir::{Activation, ElemType, Model, OpKind, Padding, Tensor};
use crate::plan::{self, Request};
use crate::quant::{quantize_f32, quantize_multiplier, softmax_params};
use crate::{ImportError, ImportedModel, OpInfo};

/// Where a tensor lives in the generated C.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Loc {
    Const,
    Input,
    Output,
    Arena(usize),
}

struct Ctx<'m> {
    model: &'m Model,
    locs: Vec<Loc>,
    used_consts: BTreeSet<usize>,
    defs: String,
    body: String,
}

fn unsupported(what: impl Into<String>, op: usize) -> ImportError {
    ImportError::Unsupported {
        what: what.into(),
        op,
    }
}

impl<'m> Ctx<'m> {
    fn t(&self, i: usize) -> &'m Tensor {
        &self.model.tensors[i]
    }

    /// C expression for a tensor's data, typed as a pointer to its element type.
    fn ptr(&mut self, i: usize) -> String {
        let t = self.t(i);
        match self.locs[i] {
            Loc::Const => {
                self.used_consts.insert(i);
                format!("t{i}")
            }
            Loc::Input => "model_input".to_string(),
            Loc::Output => "model_output".to_string(),
            Loc::Arena(off) => format!("(({} *)(tensor_arena + {off}))", t.ty.c_type()),
        }
    }

    fn input(&self, op: usize, k: usize) -> Result<usize, ImportError> {
        let o = &self.model.operators[op];
        match o.inputs.get(k) {
            Some(&i) if i >= 0 => Ok(i as usize),
            _ => Err(unsupported(
                format!("{} without input {k}", o.kind.name()),
                op,
            )),
        }
    }

    fn opt_input(&self, op: usize, k: usize) -> Option<usize> {
        match self.model.operators[op].inputs.get(k) {
            Some(&i) if i >= 0 => Some(i as usize),
            _ => None,
        }
    }

    fn output(&self, op: usize) -> Result<usize, ImportError> {
        let o = &self.model.operators[op];
        if o.outputs.len() != 1 {
            return Err(unsupported(
                format!("{} with {} outputs", o.kind.name(), o.outputs.len()),
                op,
            ));
        }
        Ok(o.outputs[0])
    }

    fn expect_type(
        &self,
        t: usize,
        ty: ElemType,
        role: &str,
        op: usize,
    ) -> Result<(), ImportError> {
        let tt = self.t(t);
        if tt.ty != ty {
            return Err(unsupported(
                format!(
                    "{} {role} tensor {t} of type {:?} (expected {:?})",
                    self.model.operators[op].kind.name(),
                    tt.ty,
                    ty
                ),
                op,
            ));
        }
        Ok(())
    }

    fn expect_quant(&self, t: usize, role: &str, op: usize) -> Result<(), ImportError> {
        if self.t(t).quant.is_none() {
            return Err(unsupported(
                format!(
                    "{} {role} tensor {t} without quantization parameters",
                    self.model.operators[op].kind.name()
                ),
                op,
            ));
        }
        Ok(())
    }

    fn expect_const(&self, t: usize, role: &str, op: usize) -> Result<(), ImportError> {
        if self.t(t).data.is_none() {
            return Err(unsupported(
                format!(
                    "{} with non-constant {role} (tensor {t})",
                    self.model.operators[op].kind.name()
                ),
                op,
            ));
        }
        Ok(())
    }
}

fn act_range(act: Activation, out: &Tensor) -> (i32, i32) {
    let (s, z) = (out.scale(), out.zero_point());
    let q = |f: f32| quantize_f32(f, s, z);
    match act {
        Activation::None => (-128, 127),
        Activation::Relu => (q(0.0).max(-128), 127),
        Activation::Relu6 => (q(0.0).max(-128), q(6.0).min(127)),
        Activation::ReluN1To1 => (q(-1.0).max(-128), q(1.0).min(127)),
    }
}

fn out_size(p: Padding, input: usize, k: usize, stride: usize, dil: usize) -> usize {
    let eff = (k - 1) * dil + 1;
    match p {
        Padding::Same => input.div_ceil(stride),
        Padding::Valid => (input + stride).saturating_sub(eff) / stride,
    }
}

fn pad_amount(stride: usize, dil: usize, input: usize, k: usize, out: usize) -> i64 {
    let eff = ((k - 1) * dil + 1) as i64;
    let total = (out as i64 - 1) * stride as i64 + eff - input as i64;
    (total / 2).max(0)
}

fn nhwc(t: &Tensor, role: &str, op: usize, name: &str) -> Result<[usize; 4], ImportError> {
    if t.shape.len() != 4 {
        return Err(unsupported(
            format!("{name} {role} of rank {} (expected 4)", t.shape.len()),
            op,
        ));
    }
    if t.shape.contains(&0) {
        return Err(unsupported(
            format!("{name} {role} with an empty dimension {:?}", t.shape),
            op,
        ));
    }
    Ok([t.shape[0], t.shape[1], t.shape[2], t.shape[3]])
}

fn c_list_i32(v: &[i32]) -> String {
    let mut s = String::new();
    for (k, x) in v.iter().enumerate() {
        if k % 12 == 0 {
            s.push_str("\n    ");
        } else {
            s.push(' ');
        }
        let _ = write!(s, "{x},");
    }
    s
}

fn c_array(ty: &str, name: &str, vals: &[i32]) -> String {
    format!(
        "static const {ty} {name}[{}] __attribute__((aligned(4))) = {{{}\n}};\n",
        vals.len(),
        c_list_i32(vals)
    )
}

fn const_array(i: usize, t: &Tensor) -> String {
    let data = t.data.as_deref().unwrap_or(&[]);
    let vals: Vec<String> = match t.ty {
        ElemType::I8 => data.iter().map(|&b| (b as i8).to_string()).collect(),
        ElemType::I32 => data
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]).to_string())
            .collect(),
        ElemType::F32 => data
            .chunks_exact(4)
            .map(|c| {
                let f = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                format!("{f:e}f")
            })
            .collect(),
    };
    let per_line = if t.ty == ElemType::I8 { 20 } else { 10 };
    let mut s = format!(
        "/* tensor {i}: {} {:?} */\nstatic const {} t{i}[{}] __attribute__((aligned(4))) = {{",
        t.name.replace("*/", "* /"),
        t.shape,
        t.ty.c_type(),
        vals.len().max(1)
    );
    for (k, v) in vals.iter().enumerate() {
        if k % per_line == 0 {
            s.push_str("\n    ");
        } else {
            s.push(' ');
        }
        s.push_str(v);
        s.push(',');
    }
    if vals.is_empty() {
        s.push('0');
    }
    s.push_str("\n};\n");
    s
}

fn lower_conv(c: &mut Ctx<'_>, op: usize, depthwise: bool) -> Result<u64, ImportError> {
    let o = &c.model.operators[op];
    let opts = match &o.kind {
        OpKind::Conv2d(x) | OpKind::DepthwiseConv2d(x) => *x,
        _ => unreachable!("lower_conv on a non-convolution"),
    };
    let name = o.kind.name();
    let (ti, tf, to) = (c.input(op, 0)?, c.input(op, 1)?, c.output(op)?);
    let tb = c.opt_input(op, 2);
    c.expect_type(ti, ElemType::I8, "input", op)?;
    c.expect_type(tf, ElemType::I8, "filter", op)?;
    c.expect_type(to, ElemType::I8, "output", op)?;
    c.expect_const(tf, "filter", op)?;
    for (t, r) in [(ti, "input"), (tf, "filter"), (to, "output")] {
        c.expect_quant(t, r, op)?;
    }
    if let Some(b) = tb {
        c.expect_type(b, ElemType::I32, "bias", op)?;
        c.expect_const(b, "bias", op)?;
    }
    let [n, ih, iw, ic] = nhwc(c.t(ti), "input", op, name)?;
    let [fo, kh, kw, fi] = nhwc(c.t(tf), "filter", op, name)?;
    let [on, oh, ow, oc] = nhwc(c.t(to), "output", op, name)?;
    let dm = if depthwise {
        if fo != 1 || fi != oc {
            return Err(unsupported(
                format!(
                    "{name} filter shape {:?} for {oc} output channels",
                    c.t(tf).shape
                ),
                op,
            ));
        }
        if opts.depth_multiplier == 0 || ic * opts.depth_multiplier != oc {
            return Err(unsupported(
                format!(
                    "{name} depth_multiplier {} with {ic} input and {oc} output channels",
                    opts.depth_multiplier
                ),
                op,
            ));
        }
        opts.depth_multiplier
    } else {
        if fi != ic || fo != oc {
            return Err(unsupported(
                format!(
                    "{name} filter shape {:?} for input channels {ic}, output channels {oc} (grouped convolution)",
                    c.t(tf).shape
                ),
                op,
            ));
        }
        1
    };
    if on != n {
        return Err(unsupported(format!("{name} batch {n} -> {on}"), op));
    }
    let eh = out_size(opts.padding, ih, kh, opts.stride_h, opts.dilation_h);
    let ew = out_size(opts.padding, iw, kw, opts.stride_w, opts.dilation_w);
    if (eh, ew) != (oh, ow) {
        return Err(unsupported(
            format!("{name} output {oh}x{ow} but the options give {eh}x{ew}"),
            op,
        ));
    }
    let pad_h = pad_amount(opts.stride_h, opts.dilation_h, ih, kh, oh);
    let pad_w = pad_amount(opts.stride_w, opts.dilation_w, iw, kw, ow);
    let fq = c.t(tf).quant.clone().unwrap_or_else(|| unreachable!());
    if fq.scale.len() != 1 && fq.scale.len() != oc {
        return Err(unsupported(
            format!(
                "{name} filter with {} scales for {oc} channels",
                fq.scale.len()
            ),
            op,
        ));
    }
    if fq.zero_point.iter().any(|&z| z != 0) {
        return Err(unsupported(
            format!("{name} filter with non-zero zero point"),
            op,
        ));
    }
    if let Some(b) = tb {
        if c.t(b).elems() != oc {
            return Err(unsupported(
                format!("{name} bias of {} for {oc} channels", c.t(b).elems()),
                op,
            ));
        }
    }
    let in_scale = c.t(ti).scale() as f64;
    let out_scale = c.t(to).scale() as f64;
    let mut mult = Vec::with_capacity(oc);
    let mut shift = Vec::with_capacity(oc);
    for ch in 0..oc {
        let fs = fq.scale[if fq.scale.len() == 1 { 0 } else { ch }] as f64;
        let (m, s) = quantize_multiplier(in_scale * fs / out_scale);
        mult.push(m);
        shift.push(s);
    }
    let (amin, amax) = act_range(opts.activation, c.t(to));
    c.defs += &c_array("int32_t", &format!("op{op}_mult"), &mult);
    c.defs += &c_array("int32_t", &format!("op{op}_shift"), &shift);
    let filter = c.ptr(tf);
    let bias = match tb {
        Some(b) => c.ptr(b),
        None => "0".into(),
    };
    let _ = write!(
        c.defs,
        "static const nn_conv_params op{op}_p = {{\n    .batches = {n}, .in_h = {ih}, .in_w = {iw}, .in_c = {ic},\n    \
         .out_h = {oh}, .out_w = {ow}, .out_c = {oc}, .k_h = {kh}, .k_w = {kw},\n    \
         .stride_h = {}, .stride_w = {}, .dil_h = {}, .dil_w = {}, .pad_h = {pad_h}, .pad_w = {pad_w},\n    \
         .depth_mult = {dm}, .in_offset = {}, .out_offset = {}, .act_min = {amin}, .act_max = {amax},\n    \
         .filter = {filter}, .bias = {bias}, .mult = op{op}_mult, .shift = op{op}_shift,\n}};\n\n",
        opts.stride_h,
        opts.stride_w,
        opts.dilation_h,
        opts.dilation_w,
        -c.t(ti).zero_point(),
        c.t(to).zero_point(),
    );
    let (pi, po) = (c.ptr(ti), c.ptr(to));
    let f = if depthwise {
        "nn_depthwise_conv2d_s8"
    } else {
        "nn_conv2d_s8"
    };
    let _ = writeln!(c.body, "    {f}(&op{op}_p, {pi}, {po});");
    let per_out = if depthwise { kh * kw } else { kh * kw * ic };
    Ok((n * oh * ow * oc * per_out) as u64)
}

fn lower_fc(c: &mut Ctx<'_>, op: usize, act: Activation) -> Result<u64, ImportError> {
    let name = "FULLY_CONNECTED";
    let (ti, tf, to) = (c.input(op, 0)?, c.input(op, 1)?, c.output(op)?);
    let tb = c.opt_input(op, 2);
    c.expect_type(ti, ElemType::I8, "input", op)?;
    c.expect_type(tf, ElemType::I8, "weights", op)?;
    c.expect_type(to, ElemType::I8, "output", op)?;
    c.expect_const(tf, "weights", op)?;
    for (t, r) in [(ti, "input"), (tf, "weights"), (to, "output")] {
        c.expect_quant(t, r, op)?;
    }
    let wf = c.t(tf);
    if wf.shape.len() != 2 {
        return Err(unsupported(
            format!("{name} weights of rank {}", wf.shape.len()),
            op,
        ));
    }
    let (out_n, in_n) = (wf.shape[0], wf.shape[1]);
    if wf.quant.as_ref().is_some_and(|q| q.scale.len() != 1) {
        return Err(unsupported(format!("{name} with per-channel weights"), op));
    }
    let in_elems = c.t(ti).elems();
    if in_n == 0 || in_elems % in_n != 0 {
        return Err(unsupported(
            format!("{name} input of {in_elems} elements for {in_n} weights per row"),
            op,
        ));
    }
    let batches = in_elems / in_n;
    if c.t(to).elems() != batches * out_n {
        return Err(unsupported(
            format!("{name} output {:?} for {batches}x{out_n}", c.t(to).shape),
            op,
        ));
    }
    if let Some(b) = tb {
        c.expect_type(b, ElemType::I32, "bias", op)?;
        c.expect_const(b, "bias", op)?;
        if c.t(b).elems() != out_n {
            return Err(unsupported(
                format!("{name} bias of {} for {out_n}", c.t(b).elems()),
                op,
            ));
        }
    }
    // TFLite's GetQuantizedConvolutionMultipler: the input*filter product is
    // taken in float, then widened.
    let prod = (c.t(ti).scale() * wf.scale()) as f64;
    let (m, s) = quantize_multiplier(prod / c.t(to).scale() as f64);
    let (amin, amax) = act_range(act, c.t(to));
    let filter = c.ptr(tf);
    let bias = match tb {
        Some(b) => c.ptr(b),
        None => "0".into(),
    };
    let _ = write!(
        c.defs,
        "static const nn_fc_params op{op}_p = {{\n    .batches = {batches}, .in_n = {in_n}, .out_n = {out_n},\n    \
         .in_offset = {}, .filter_offset = {}, .out_offset = {}, .mult = {m}, .shift = {s},\n    \
         .act_min = {amin}, .act_max = {amax}, .filter = {filter}, .bias = {bias},\n}};\n\n",
        -c.t(ti).zero_point(),
        -wf.zero_point(),
        c.t(to).zero_point()
    );
    let (pi, po) = (c.ptr(ti), c.ptr(to));
    let _ = writeln!(c.body, "    nn_fully_connected_s8(&op{op}_p, {pi}, {po});");
    Ok((batches * in_n * out_n) as u64)
}

fn lower_pool(c: &mut Ctx<'_>, op: usize) -> Result<u64, ImportError> {
    let o = &c.model.operators[op];
    let name = o.kind.name();
    let (opts, f) = match &o.kind {
        OpKind::AveragePool2d(p) => (*p, "nn_avg_pool_s8"),
        OpKind::MaxPool2d(p) => (*p, "nn_max_pool_s8"),
        _ => unreachable!("lower_pool on a non-pool"),
    };
    let (ti, to) = (c.input(op, 0)?, c.output(op)?);
    c.expect_type(ti, ElemType::I8, "input", op)?;
    c.expect_type(to, ElemType::I8, "output", op)?;
    c.expect_quant(to, "output", op)?;
    let [n, ih, iw, ch] = nhwc(c.t(ti), "input", op, name)?;
    let [on, oh, ow, oc] = nhwc(c.t(to), "output", op, name)?;
    if on != n || oc != ch {
        return Err(unsupported(
            format!("{name} shape {:?} -> {:?}", c.t(ti).shape, c.t(to).shape),
            op,
        ));
    }
    let (ti_s, to_s) = (c.t(ti), c.t(to));
    if ti_s.quant.is_some()
        && (ti_s.scale() != to_s.scale() || ti_s.zero_point() != to_s.zero_point())
    {
        return Err(unsupported(format!("{name} that changes quantization"), op));
    }
    let eh = out_size(opts.padding, ih, opts.filter_h, opts.stride_h, 1);
    let ew = out_size(opts.padding, iw, opts.filter_w, opts.stride_w, 1);
    if (eh, ew) != (oh, ow) {
        return Err(unsupported(
            format!("{name} output {oh}x{ow} but the options give {eh}x{ew}"),
            op,
        ));
    }
    let pad_h = pad_amount(opts.stride_h, 1, ih, opts.filter_h, oh);
    let pad_w = pad_amount(opts.stride_w, 1, iw, opts.filter_w, ow);
    let (amin, amax) = act_range(opts.activation, c.t(to));
    let _ = write!(
        c.defs,
        "static const nn_pool_params op{op}_p = {{\n    .batches = {n}, .in_h = {ih}, .in_w = {iw}, .c = {ch}, .out_h = {oh}, .out_w = {ow},\n    \
         .k_h = {}, .k_w = {}, .stride_h = {}, .stride_w = {}, .pad_h = {pad_h}, .pad_w = {pad_w},\n    \
         .act_min = {amin}, .act_max = {amax},\n}};\n\n",
        opts.filter_h, opts.filter_w, opts.stride_h, opts.stride_w
    );
    let (pi, po) = (c.ptr(ti), c.ptr(to));
    let _ = writeln!(c.body, "    {f}(&op{op}_p, {pi}, {po});");
    Ok((n * oh * ow * ch * opts.filter_h * opts.filter_w) as u64)
}

fn lower_add(c: &mut Ctx<'_>, op: usize, act: Activation) -> Result<u64, ImportError> {
    let (ta, tb, to) = (c.input(op, 0)?, c.input(op, 1)?, c.output(op)?);
    for (t, r) in [(ta, "input 0"), (tb, "input 1"), (to, "output")] {
        c.expect_type(t, ElemType::I8, r, op)?;
        c.expect_quant(t, r, op)?;
    }
    if c.t(ta).shape != c.t(tb).shape || c.t(ta).shape != c.t(to).shape {
        return Err(unsupported(
            format!(
                "ADD with broadcasting {:?} + {:?} -> {:?}",
                c.t(ta).shape,
                c.t(tb).shape,
                c.t(to).shape
            ),
            op,
        ));
    }
    let left_shift = 20;
    let (s1, s2, so) = (c.t(ta).scale(), c.t(tb).scale(), c.t(to).scale());
    let twice_max = 2.0 * s1.max(s2) as f64;
    let (m1, sh1) = quantize_multiplier(s1 as f64 / twice_max);
    let (m2, sh2) = quantize_multiplier(s2 as f64 / twice_max);
    let (mo, sho) = quantize_multiplier(twice_max / ((1i64 << left_shift) as f64 * so as f64));
    let (amin, amax) = act_range(act, c.t(to));
    let n = c.t(to).elems();
    let _ = write!(
        c.defs,
        "static const nn_add_params op{op}_p = {{\n    .n = {n}, .in1_offset = {}, .in2_offset = {}, .left_shift = {left_shift},\n    \
         .in1_mult = {m1}, .in1_shift = {sh1}, .in2_mult = {m2}, .in2_shift = {sh2},\n    \
         .out_mult = {mo}, .out_shift = {sho}, .out_offset = {}, .act_min = {amin}, .act_max = {amax},\n}};\n\n",
        -c.t(ta).zero_point(),
        -c.t(tb).zero_point(),
        c.t(to).zero_point()
    );
    let (pa, pb, po) = (c.ptr(ta), c.ptr(tb), c.ptr(to));
    let _ = writeln!(c.body, "    nn_add_s8(&op{op}_p, {pa}, {pb}, {po});");
    Ok(n as u64)
}

fn lower_softmax(c: &mut Ctx<'_>, op: usize, beta: f32) -> Result<u64, ImportError> {
    let (ti, to) = (c.input(op, 0)?, c.output(op)?);
    c.expect_type(ti, ElemType::I8, "input", op)?;
    c.expect_type(to, ElemType::I8, "output", op)?;
    c.expect_quant(ti, "input", op)?;
    c.expect_quant(to, "output", op)?;
    let out = c.t(to);
    if out.zero_point() != -128 || out.scale() != 1.0 / 256.0 {
        return Err(unsupported(
            format!(
                "SOFTMAX int8 output with scale {} zero point {} (TFLite requires 1/256, -128)",
                out.scale(),
                out.zero_point()
            ),
            op,
        ));
    }
    let depth = *c.t(ti).shape.last().unwrap_or(&1);
    let n = c.t(ti).elems();
    if depth == 0 || n != out.elems() {
        return Err(unsupported("SOFTMAX with mismatched shapes", op));
    }
    let (m, sh, diff_min) = softmax_params(beta, c.t(ti).scale());
    let _ = write!(
        c.defs,
        "static const nn_softmax_params op{op}_p = {{\n    .outer = {}, .depth = {depth}, .mult = {m}, .left_shift = {sh}, .diff_min = {diff_min},\n}};\n\n",
        n / depth
    );
    let (pi, po) = (c.ptr(ti), c.ptr(to));
    let _ = writeln!(c.body, "    nn_softmax_s8(&op{op}_p, {pi}, {po});");
    Ok(n as u64)
}

/// Resolves STRIDED_SLICE begin/end/strides for one dimension (TFLite semantics).
fn slice_dim(
    dim: i64,
    begin: i64,
    end: i64,
    stride: i64,
    begin_masked: bool,
    end_masked: bool,
    shrink: bool,
) -> (i64, i64) {
    let clamp = |v: i64| {
        let v = if v < 0 { v + dim } else { v };
        if stride > 0 {
            v.clamp(0, dim)
        } else {
            v.clamp(-1, dim - 1)
        }
    };
    let start = if begin_masked {
        if stride > 0 {
            0
        } else {
            dim - 1
        }
    } else {
        clamp(begin)
    };
    let stop = if shrink {
        start + 1
    } else if end_masked {
        if stride > 0 {
            dim
        } else {
            -1
        }
    } else {
        clamp(end)
    };
    let count = if stride > 0 {
        (stop - start + stride - 1).max(0) / stride
    } else {
        (start - stop - stride - 1).max(0) / -stride
    };
    (start, count)
}

fn lower_strided_slice(
    c: &mut Ctx<'_>,
    op: usize,
    o: crate::ir::StridedSliceOptions,
) -> Result<u64, ImportError> {
    let (ti, tbg, ten, tst, to) = (
        c.input(op, 0)?,
        c.input(op, 1)?,
        c.input(op, 2)?,
        c.input(op, 3)?,
        c.output(op)?,
    );
    for (t, r) in [(tbg, "begin"), (ten, "end"), (tst, "strides")] {
        c.expect_type(t, ElemType::I32, r, op)?;
        c.expect_const(t, r, op)?;
    }
    if c.t(ti).ty != c.t(to).ty {
        return Err(unsupported("STRIDED_SLICE that changes type", op));
    }
    let shape = c.t(ti).shape.clone();
    let rank = shape.len();
    if rank == 0 || rank > 4 {
        return Err(unsupported(format!("STRIDED_SLICE of rank {rank}"), op));
    }
    let b = c.t(tbg).data_i32().unwrap_or_default();
    let e = c.t(ten).data_i32().unwrap_or_default();
    let s = c.t(tst).data_i32().unwrap_or_default();
    if b.len() != rank || e.len() != rank || s.len() != rank {
        return Err(unsupported(
            "STRIDED_SLICE begin/end/strides length differs from the input rank",
            op,
        ));
    }
    let mut ind = [1i64; 4];
    let mut start = [0i64; 4];
    let mut stride = [1i64; 4];
    let mut count = [1i64; 4];
    let base = 4 - rank;
    for d in 0..rank {
        if s[d] == 0 {
            return Err(unsupported(
                format!("STRIDED_SLICE stride 0 in dimension {d}"),
                op,
            ));
        }
        let (st, cn) = slice_dim(
            shape[d] as i64,
            b[d] as i64,
            e[d] as i64,
            s[d] as i64,
            o.begin_mask >> d & 1 != 0,
            o.end_mask >> d & 1 != 0,
            o.shrink_axis_mask >> d & 1 != 0,
        );
        ind[base + d] = shape[d] as i64;
        start[base + d] = st;
        stride[base + d] = s[d] as i64;
        count[base + d] = cn;
    }
    let total: i64 = count.iter().product();
    if total as usize != c.t(to).elems() {
        return Err(unsupported(
            format!(
                "STRIDED_SLICE selects {total} elements but the output has {}",
                c.t(to).elems()
            ),
            op,
        ));
    }
    let l = |a: &[i64; 4]| {
        a.iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = write!(
        c.defs,
        "static const nn_slice_params op{op}_p = {{\n    .in_dims = {{{}}}, .start = {{{}}}, .stride = {{{}}}, .out_dims = {{{}}}, .elem_size = {},\n}};\n\n",
        l(&ind),
        l(&start),
        l(&stride),
        l(&count),
        c.t(ti).ty.size()
    );
    let (pi, po) = (c.ptr(ti), c.ptr(to));
    let _ = writeln!(c.body, "    nn_strided_slice(&op{op}_p, {pi}, {po});");
    Ok(0)
}

fn lower_pack(c: &mut Ctx<'_>, op: usize, axis: i32) -> Result<u64, ImportError> {
    let to = c.output(op)?;
    let ins: Vec<usize> = (0..c.model.operators[op].inputs.len())
        .map(|k| c.input(op, k))
        .collect::<Result<_, _>>()?;
    let first = c.t(ins[0]).clone();
    for &i in &ins {
        if c.t(i).shape != first.shape || c.t(i).ty != first.ty {
            return Err(unsupported(
                "PACK of inputs with different shapes or types",
                op,
            ));
        }
    }
    if c.t(to).ty != first.ty || c.t(to).elems() != first.elems() * ins.len() {
        return Err(unsupported("PACK output does not match its inputs", op));
    }
    let rank = first.shape.len() as i32;
    let ax = if axis < 0 { axis + rank + 1 } else { axis };
    if ax < 0 || ax > rank {
        return Err(unsupported(format!("PACK axis {axis} for rank {rank}"), op));
    }
    let outer: usize = first.shape[..ax as usize].iter().product();
    let inner: usize = first.shape[ax as usize..].iter().product::<usize>() * first.ty.size();
    let ptrs: Vec<String> = ins.iter().map(|&i| c.ptr(i)).collect();
    let _ = write!(
        c.defs,
        "static const void *const op{op}_in[{}] = {{{}}};\n\n",
        ins.len(),
        ptrs.join(", ")
    );
    let po = c.ptr(to);
    let _ = writeln!(
        c.body,
        "    nn_pack(op{op}_in, {}, {outer}, {inner}, {po});",
        ins.len()
    );
    Ok(0)
}

fn lower_op(c: &mut Ctx<'_>, op: usize) -> Result<u64, ImportError> {
    let kind = c.model.operators[op].kind.clone();
    let _ = writeln!(c.body, "    /* op {op}: {} */", kind.name());
    match kind {
        OpKind::Conv2d(_) => lower_conv(c, op, false),
        OpKind::DepthwiseConv2d(_) => lower_conv(c, op, true),
        OpKind::FullyConnected { activation } => lower_fc(c, op, activation),
        OpKind::AveragePool2d(_) | OpKind::MaxPool2d(_) => lower_pool(c, op),
        OpKind::Add { activation } => lower_add(c, op, activation),
        OpKind::Softmax { beta } => lower_softmax(c, op, beta),
        OpKind::Reshape => {
            let (ti, to) = (c.input(op, 0)?, c.output(op)?);
            if c.t(ti).bytes() != c.t(to).bytes() || c.t(ti).ty != c.t(to).ty {
                return Err(unsupported(
                    format!("RESHAPE {:?} -> {:?}", c.t(ti).shape, c.t(to).shape),
                    op,
                ));
            }
            let (pi, po) = (c.ptr(ti), c.ptr(to));
            let _ = writeln!(c.body, "    nn_copy({po}, {pi}, {});", c.t(to).bytes());
            Ok(0)
        }
        OpKind::Quantize => {
            let (ti, to) = (c.input(op, 0)?, c.output(op)?);
            c.expect_type(ti, ElemType::F32, "input", op)?;
            c.expect_type(to, ElemType::I8, "output", op)?;
            c.expect_quant(to, "output", op)?;
            if c.t(ti).elems() != c.t(to).elems() {
                return Err(unsupported("QUANTIZE with mismatched shapes", op));
            }
            let (s, z, n) = (c.t(to).scale(), c.t(to).zero_point(), c.t(to).elems());
            let (pi, po) = (c.ptr(ti), c.ptr(to));
            let _ = writeln!(
                c.body,
                "    nn_quantize_f32_s8({pi}, {po}, {n}, {s:e}f, {z});"
            );
            Ok(0)
        }
        OpKind::Dequantize => {
            let (ti, to) = (c.input(op, 0)?, c.output(op)?);
            c.expect_type(ti, ElemType::I8, "input", op)?;
            c.expect_type(to, ElemType::F32, "output", op)?;
            c.expect_quant(ti, "input", op)?;
            if c.t(ti).elems() != c.t(to).elems() {
                return Err(unsupported("DEQUANTIZE with mismatched shapes", op));
            }
            let (s, z, n) = (c.t(ti).scale(), c.t(ti).zero_point(), c.t(ti).elems());
            let (pi, po) = (c.ptr(ti), c.ptr(to));
            let _ = writeln!(
                c.body,
                "    nn_dequantize_s8_f32({pi}, {po}, {n}, {s:e}f, {z});"
            );
            Ok(0)
        }
        OpKind::Shape => {
            let (ti, to) = (c.input(op, 0)?, c.output(op)?);
            c.expect_type(to, ElemType::I32, "output", op)?;
            let dims: Vec<i32> = c.t(ti).shape.iter().map(|&d| d as i32).collect();
            if c.t(to).elems() != dims.len() {
                return Err(unsupported(
                    "SHAPE output size differs from the input rank",
                    op,
                ));
            }
            c.defs += &c_array("int32_t", &format!("op{op}_dims"), &dims);
            let po = c.ptr(to);
            let _ = writeln!(
                c.body,
                "    nn_shape_i32(op{op}_dims, {}, {po});",
                dims.len()
            );
            Ok(0)
        }
        OpKind::StridedSlice(o) => lower_strided_slice(c, op, o),
        OpKind::Pack { axis } => lower_pack(c, op, axis),
    }
}

fn c_ident_upper(name: &str) -> String {
    name.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Deterministic sample input (an LCG) so `model_input` has initial bytes in
/// the ELF (it lives in `.data`, so it can be patched or loaded by symbol).
fn sample_input(model: &Model, t: usize) -> Vec<String> {
    let tensor = &model.tensors[t];
    // For float inputs, use the quantization of the QUANTIZE that consumes it.
    let q = model
        .operators
        .iter()
        .find(|o| o.kind == OpKind::Quantize && o.inputs.first() == Some(&(t as i32)))
        .map(|o| &model.tensors[o.outputs[0]])
        .map(|o| (o.scale(), o.zero_point()));
    let mut state: u32 = 0x1234_5678;
    (0..tensor.elems())
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = ((state >> 24) as i32) - 128;
            match tensor.ty {
                ElemType::I8 => v.to_string(),
                ElemType::I32 => v.to_string(),
                ElemType::F32 => {
                    let f = match q {
                        Some((s, z)) => (v - z) as f32 * s,
                        None => v as f32 / 128.0,
                    };
                    format!("{f:e}f")
                }
            }
        })
        .collect()
}

/// Emits C for a parsed model.
pub fn emit(model: &Model, name: &str) -> Result<ImportedModel, ImportError> {
    if model.inputs.len() != 1 || model.outputs.len() != 1 {
        return Err(ImportError::Unsupported {
            what: format!(
                "model with {} inputs and {} outputs (1 and 1 supported)",
                model.inputs.len(),
                model.outputs.len()
            ),
            op: 0,
        });
    }
    let (tin, tout) = (model.inputs[0], model.outputs[0]);
    if tin == tout {
        return Err(unsupported("model whose input is its output", 0));
    }
    // Lifetimes of the arena tensors.
    let nt = model.tensors.len();
    let mut first = vec![usize::MAX; nt];
    let mut last = vec![0usize; nt];
    for (k, o) in model.operators.iter().enumerate() {
        for &i in o.inputs.iter().filter(|&&i| i >= 0) {
            let i = i as usize;
            last[i] = last[i].max(k);
        }
        for &i in &o.outputs {
            if model.tensors[i].data.is_some() {
                return Err(unsupported(
                    format!("operator writing constant tensor {i}"),
                    k,
                ));
            }
            if first[i] != usize::MAX {
                return Err(unsupported(format!("tensor {i} written twice"), k));
            }
            first[i] = k;
            last[i] = last[i].max(k);
        }
    }
    let mut locs = vec![Loc::Const; nt];
    let mut reqs = Vec::new();
    let mut req_tensor = Vec::new();
    for i in 0..nt {
        let t = &model.tensors[i];
        locs[i] = if i == tin {
            Loc::Input
        } else if i == tout {
            Loc::Output
        } else if t.data.is_some() {
            Loc::Const
        } else if first[i] == usize::MAX {
            if last[i] > 0
                || model
                    .operators
                    .iter()
                    .any(|o| o.inputs.contains(&(i as i32)))
            {
                return Err(ImportError::UnsupportedTensor {
                    what: "tensor read before any operator writes it".into(),
                    tensor: i,
                });
            }
            Loc::Const
        } else {
            reqs.push(Request {
                size: t.bytes(),
                first: first[i],
                last: last[i],
            });
            req_tensor.push(i);
            Loc::Arena(0)
        };
    }
    if first[tout] == usize::MAX {
        return Err(unsupported(
            "model output is not written by any operator",
            0,
        ));
    }
    let p = plan::plan(&reqs);
    for (k, &i) in req_tensor.iter().enumerate() {
        locs[i] = Loc::Arena(p.offsets[k]);
    }
    let mut c = Ctx {
        model,
        locs,
        used_consts: BTreeSet::new(),
        defs: String::new(),
        body: String::new(),
    };
    let mut ops = Vec::new();
    for k in 0..model.operators.len() {
        let macs = lower_op(&mut c, k)?;
        let o = &model.operators[k];
        ops.push(OpInfo {
            index: k,
            op: o.kind.name(),
            inputs: o.inputs.clone(),
            outputs: o.outputs.clone(),
            macs,
        });
    }
    let ti = &model.tensors[tin];
    let to = &model.tensors[tout];
    let arena = p.arena_bytes.max(16);
    let guard = c_ident_upper(name);
    let mut h = String::new();
    let _ = writeln!(
        h,
        "/* Generated by thimble model-import from {name}. Do not edit. */"
    );
    let _ = writeln!(
        h,
        "#ifndef THIMBLE_MODEL_{guard}_H\n#define THIMBLE_MODEL_{guard}_H\n"
    );
    let _ = writeln!(h, "#include <stdint.h>\n");
    let _ = writeln!(h, "#define MODEL_NAME \"{name}\"");
    let _ = writeln!(h, "#define MODEL_ARENA_BYTES {arena}");
    let _ = writeln!(h, "#define MODEL_INPUT_ELEMS {}", ti.elems());
    let _ = writeln!(
        h,
        "#define MODEL_INPUT_IS_FLOAT {}",
        (ti.ty == ElemType::F32) as u8
    );
    let _ = writeln!(h, "#define MODEL_OUTPUT_ELEMS {}", to.elems());
    let _ = writeln!(
        h,
        "#define MODEL_OUTPUT_IS_FLOAT {}",
        (to.ty == ElemType::F32) as u8
    );
    let _ = writeln!(h, "#define MODEL_INPUT_SHAPE {:?}", ti.shape);
    let _ = writeln!(h, "#define MODEL_OUTPUT_SHAPE {:?}\n", to.shape);
    let _ = writeln!(
        h,
        "/* The input tensor ({:?}); in .data so it can be loaded by symbol. */",
        ti.shape
    );
    let _ = writeln!(h, "extern {} model_input[{}];", ti.ty.c_type(), ti.elems());
    let _ = writeln!(h, "/* The output tensor ({:?}). */", to.shape);
    let _ = writeln!(h, "extern {} model_output[{}];", to.ty.c_type(), to.elems());
    let _ = writeln!(h, "/* The planned arena for all intermediate tensors. */");
    let _ = writeln!(h, "extern int8_t tensor_arena[{arena}];\n");
    let _ = writeln!(
        h,
        "/* Runs the model on model_input, leaving the result in model_output. Returns 0. */"
    );
    let _ = writeln!(h, "int model_invoke(void);\n\n#endif");

    let mut s = String::new();
    let _ = writeln!(
        s,
        "/* Generated by thimble model-import from {name}. Do not edit."
    );
    let _ = writeln!(
        s,
        " * {} operators, arena {arena} bytes (liveness-planned).",
        model.operators.len()
    );
    let _ = writeln!(
        s,
        " * The constant data is the model's own, converted to C: keep the model's licence notice with it. */"
    );
    let _ = writeln!(s, "#include \"nn.h\"\n#include \"model.h\"\n");
    let _ = writeln!(
        s,
        "{} model_input[{}] __attribute__((aligned(16), section(\".data.model_input\"))) = {{",
        ti.ty.c_type(),
        ti.elems()
    );
    for (k, v) in sample_input(model, tin).iter().enumerate() {
        if k % 10 == 0 {
            s.push_str("\n    ");
        } else {
            s.push(' ');
        }
        s.push_str(v);
        s.push(',');
    }
    let _ = writeln!(s, "\n}};");
    let _ = writeln!(
        s,
        "{} model_output[{}] __attribute__((aligned(16)));",
        to.ty.c_type(),
        to.elems()
    );
    let _ = writeln!(
        s,
        "int8_t tensor_arena[{arena}] __attribute__((aligned(16)));\n"
    );
    for &i in &c.used_consts {
        s += &const_array(i, &model.tensors[i]);
        s.push('\n');
    }
    s += &c.defs;
    let _ = writeln!(s, "int model_invoke(void)\n{{");
    s += &c.body;
    let _ = writeln!(s, "    return 0;\n}}");
    let const_bytes = c
        .used_consts
        .iter()
        .map(|&i| model.tensors[i].bytes())
        .sum();
    Ok(ImportedModel {
        c_source: s,
        header: h,
        arena_bytes: arena,
        const_bytes,
        ops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_slice_dims() {
        // x[0] with shrink on a length-4 dim.
        assert_eq!(slice_dim(4, 0, 1, 1, false, false, true), (0, 1));
        // x[1:3].
        assert_eq!(slice_dim(4, 1, 3, 1, false, false, false), (1, 2));
        // x[::-1].
        assert_eq!(slice_dim(4, 0, 0, -1, true, true, false), (3, 4));
        // x[-2:].
        assert_eq!(slice_dim(5, -2, 0, 1, false, true, false), (3, 2));
        // x[0:5:2] on 5 -> 0, 2, 4.
        assert_eq!(slice_dim(5, 0, 5, 2, false, false, false), (0, 3));
    }

    #[test]
    fn padding_matches_tflite() {
        // SAME 3x3 stride 1 on 32 -> 1 on each side.
        assert_eq!(out_size(Padding::Same, 32, 3, 1, 1), 32);
        assert_eq!(pad_amount(1, 1, 32, 3, 32), 1);
        // SAME 10x4 stride 2 on 49x40 (kws-like).
        assert_eq!(out_size(Padding::Same, 49, 10, 2, 1), 25);
        assert_eq!(pad_amount(2, 1, 49, 10, 25), 4);
        // VALID.
        assert_eq!(out_size(Padding::Valid, 25, 25, 25, 1), 1);
        assert_eq!(pad_amount(25, 1, 25, 25, 1), 0);
    }
}
