//! The model IR: tensors, quantization and operators read from a `.tflite` file.
//!
//! Field ids follow the order of the fields in TensorFlow Lite's `schema.fbs`
//! (Model, SubGraph, Tensor, QuantizationParameters, Operator, OperatorCode,
//! Buffer and the option tables of the supported builtin operators).

use crate::flatbuf::{Buffer, Table};
use crate::ImportError;

/// Element type of a tensor (`TensorType` in the schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElemType {
    /// 32-bit IEEE float.
    F32,
    /// 32-bit signed integer.
    I32,
    /// 8-bit signed integer.
    I8,
}

impl ElemType {
    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            ElemType::F32 | ElemType::I32 => 4,
            ElemType::I8 => 1,
        }
    }

    /// The C type name.
    pub fn c_type(self) -> &'static str {
        match self {
            ElemType::F32 => "float",
            ElemType::I32 => "int32_t",
            ElemType::I8 => "int8_t",
        }
    }
}

fn tensor_type_name(code: i8) -> &'static str {
    match code {
        0 => "FLOAT32",
        1 => "FLOAT16",
        2 => "INT32",
        3 => "UINT8",
        4 => "INT64",
        5 => "STRING",
        6 => "BOOL",
        7 => "INT16",
        8 => "COMPLEX64",
        9 => "INT8",
        10 => "FLOAT64",
        _ => "unknown type",
    }
}

/// Affine quantization of a tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Quant {
    /// Scales: one (per tensor) or one per channel.
    pub scale: Vec<f32>,
    /// Zero points, same length as `scale`.
    pub zero_point: Vec<i64>,
    /// Channel dimension for per-channel quantization.
    pub dim: usize,
}

/// One tensor of the (single) subgraph.
#[derive(Clone, Debug)]
pub struct Tensor {
    /// Tensor name from the file.
    pub name: String,
    /// Shape (dimensions).
    pub shape: Vec<usize>,
    /// Element type.
    pub ty: ElemType,
    /// Constant data (weights, biases, shapes), little-endian bytes.
    pub data: Option<Vec<u8>>,
    /// Quantization parameters, if any.
    pub quant: Option<Quant>,
}

impl Tensor {
    /// Number of elements.
    pub fn elems(&self) -> usize {
        self.shape.iter().product()
    }

    /// Size in bytes.
    pub fn bytes(&self) -> usize {
        self.elems() * self.ty.size()
    }

    /// Per-tensor scale (the first scale).
    pub fn scale(&self) -> f32 {
        self.quant.as_ref().map_or(0.0, |q| q.scale[0])
    }

    /// Per-tensor zero point (the first one).
    pub fn zero_point(&self) -> i32 {
        self.quant.as_ref().map_or(0, |q| q.zero_point[0] as i32)
    }

    /// Constant data read as little-endian i32 values.
    pub fn data_i32(&self) -> Option<Vec<i32>> {
        self.data.as_ref().map(|d| {
            d.chunks_exact(4)
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        })
    }
}

/// Padding scheme of convolutions and pools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// Output size ceil(in / stride), zero padding split around the input.
    Same,
    /// No padding.
    Valid,
}

/// Fused activation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// None.
    None,
    /// max(0, x).
    Relu,
    /// clamp(x, -1, 1).
    ReluN1To1,
    /// clamp(x, 0, 6).
    Relu6,
}

/// Options of a convolution-like operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvOptions {
    /// Padding.
    pub padding: Padding,
    /// Stride along width.
    pub stride_w: usize,
    /// Stride along height.
    pub stride_h: usize,
    /// Dilation along width.
    pub dilation_w: usize,
    /// Dilation along height.
    pub dilation_h: usize,
    /// Depth multiplier (depthwise only, else 1).
    pub depth_multiplier: usize,
    /// Fused activation.
    pub activation: Activation,
}

/// Options of a pooling operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolOptions {
    /// Padding.
    pub padding: Padding,
    /// Stride along width.
    pub stride_w: usize,
    /// Stride along height.
    pub stride_h: usize,
    /// Window width.
    pub filter_w: usize,
    /// Window height.
    pub filter_h: usize,
    /// Fused activation.
    pub activation: Activation,
}

/// Options of STRIDED_SLICE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StridedSliceOptions {
    /// Bit `i` set: ignore `begin[i]`, start at the beginning.
    pub begin_mask: i32,
    /// Bit `i` set: ignore `end[i]`, run to the end.
    pub end_mask: i32,
    /// Bit `i` set: remove dimension `i` from the output.
    pub shrink_axis_mask: i32,
}

/// A supported operator with its options.
#[derive(Clone, Debug, PartialEq)]
pub enum OpKind {
    /// CONV_2D.
    Conv2d(ConvOptions),
    /// DEPTHWISE_CONV_2D.
    DepthwiseConv2d(ConvOptions),
    /// FULLY_CONNECTED.
    FullyConnected {
        /// Fused activation.
        activation: Activation,
    },
    /// AVERAGE_POOL_2D.
    AveragePool2d(PoolOptions),
    /// MAX_POOL_2D.
    MaxPool2d(PoolOptions),
    /// ADD.
    Add {
        /// Fused activation.
        activation: Activation,
    },
    /// SOFTMAX.
    Softmax {
        /// beta.
        beta: f32,
    },
    /// RESHAPE.
    Reshape,
    /// QUANTIZE.
    Quantize,
    /// DEQUANTIZE.
    Dequantize,
    /// SHAPE.
    Shape,
    /// STRIDED_SLICE.
    StridedSlice(StridedSliceOptions),
    /// PACK.
    Pack {
        /// Axis along which the inputs are stacked.
        axis: i32,
    },
}

impl OpKind {
    /// The schema's name of the operator.
    pub fn name(&self) -> &'static str {
        match self {
            OpKind::Conv2d(_) => "CONV_2D",
            OpKind::DepthwiseConv2d(_) => "DEPTHWISE_CONV_2D",
            OpKind::FullyConnected { .. } => "FULLY_CONNECTED",
            OpKind::AveragePool2d(_) => "AVERAGE_POOL_2D",
            OpKind::MaxPool2d(_) => "MAX_POOL_2D",
            OpKind::Add { .. } => "ADD",
            OpKind::Softmax { .. } => "SOFTMAX",
            OpKind::Reshape => "RESHAPE",
            OpKind::Quantize => "QUANTIZE",
            OpKind::Dequantize => "DEQUANTIZE",
            OpKind::Shape => "SHAPE",
            OpKind::StridedSlice(_) => "STRIDED_SLICE",
            OpKind::Pack { .. } => "PACK",
        }
    }
}

/// One operator of the subgraph, in execution order.
#[derive(Clone, Debug, PartialEq)]
pub struct Operator {
    /// The operator and its options.
    pub kind: OpKind,
    /// Input tensor indices (-1 = optional input absent).
    pub inputs: Vec<i32>,
    /// Output tensor indices.
    pub outputs: Vec<usize>,
}

/// A parsed single-subgraph model.
#[derive(Clone, Debug)]
pub struct Model {
    /// All tensors.
    pub tensors: Vec<Tensor>,
    /// Operators in execution order.
    pub operators: Vec<Operator>,
    /// Subgraph input tensor indices.
    pub inputs: Vec<usize>,
    /// Subgraph output tensor indices.
    pub outputs: Vec<usize>,
}

/// Name of a builtin operator code (for error messages), per `BuiltinOperator`.
pub fn builtin_name(code: i32) -> String {
    let known = match code {
        0 => "ADD",
        1 => "AVERAGE_POOL_2D",
        2 => "CONCATENATION",
        3 => "CONV_2D",
        4 => "DEPTHWISE_CONV_2D",
        5 => "DEPTH_TO_SPACE",
        6 => "DEQUANTIZE",
        9 => "FULLY_CONNECTED",
        14 => "LOGISTIC",
        16 => "LSTM",
        17 => "MAX_POOL_2D",
        18 => "MUL",
        19 => "RELU",
        21 => "RELU6",
        22 => "RESHAPE",
        23 => "RESIZE_BILINEAR",
        25 => "SOFTMAX",
        27 => "SVDF",
        28 => "TANH",
        32 => "CUSTOM",
        34 => "PAD",
        39 => "TRANSPOSE",
        40 => "MEAN",
        41 => "SUB",
        43 => "SQUEEZE",
        45 => "STRIDED_SLICE",
        49 => "SPLIT",
        53 => "CAST",
        77 => "SHAPE",
        83 => "PACK",
        114 => "QUANTIZE",
        _ => "",
    };
    if known.is_empty() {
        format!("builtin operator {code}")
    } else {
        known.to_string()
    }
}

fn padding(code: i8, op: usize) -> Result<Padding, ImportError> {
    match code {
        0 => Ok(Padding::Same),
        1 => Ok(Padding::Valid),
        _ => Err(ImportError::Unsupported {
            what: format!("padding code {code}"),
            op,
        }),
    }
}

fn activation(code: i8, op: usize) -> Result<Activation, ImportError> {
    match code {
        0 => Ok(Activation::None),
        1 => Ok(Activation::Relu),
        2 => Ok(Activation::ReluN1To1),
        3 => Ok(Activation::Relu6),
        4 => Err(ImportError::Unsupported {
            what: "fused activation TANH".into(),
            op,
        }),
        5 => Err(ImportError::Unsupported {
            what: "fused activation SIGN_BIT".into(),
            op,
        }),
        _ => Err(ImportError::Unsupported {
            what: format!("fused activation code {code}"),
            op,
        }),
    }
}

fn positive(v: i32, what: &str, op: usize) -> Result<usize, ImportError> {
    if v >= 1 {
        Ok(v as usize)
    } else {
        Err(ImportError::Unsupported {
            what: format!("{what} {v}"),
            op,
        })
    }
}

/// Checks the builtin_options union tag: `expected` is the BuiltinOptions index.
fn options<'a>(
    t: &Table<'a>,
    expected: u8,
    opname: &str,
    op: usize,
) -> Result<Option<Table<'a>>, ImportError> {
    let ty = t.u8(3, 0, "operator builtin_options_type")?;
    if ty == 0 {
        return Ok(None);
    }
    if ty != expected {
        return Err(ImportError::Unsupported {
            what: format!("{opname} with builtin options type {ty}"),
            op,
        });
    }
    t.table(4, "operator builtin_options")
}

fn parse_conv(
    o: Option<Table<'_>>,
    depthwise: bool,
    op: usize,
) -> Result<ConvOptions, ImportError> {
    let what = "conv options";
    let Some(o) = o else {
        return Err(ImportError::Unsupported {
            what: "convolution without options".into(),
            op,
        });
    };
    // Conv2DOptions: padding, stride_w, stride_h, fused_activation_function,
    // dilation_w_factor, dilation_h_factor.
    // DepthwiseConv2DOptions: padding, stride_w, stride_h, depth_multiplier,
    // fused_activation_function, dilation_w_factor, dilation_h_factor.
    let (act_id, dil_id, dm) = if depthwise {
        (4, 5, o.i32(3, 0, what)?)
    } else {
        (3, 4, 1)
    };
    Ok(ConvOptions {
        padding: padding(o.i8(0, 0, what)?, op)?,
        stride_w: positive(o.i32(1, 0, what)?, "stride_w", op)?,
        stride_h: positive(o.i32(2, 0, what)?, "stride_h", op)?,
        dilation_w: positive(o.i32(dil_id, 1, what)?, "dilation_w_factor", op)?,
        dilation_h: positive(o.i32(dil_id + 1, 1, what)?, "dilation_h_factor", op)?,
        depth_multiplier: dm.max(0) as usize,
        activation: activation(o.i8(act_id, 0, what)?, op)?,
    })
}

fn parse_pool(o: Option<Table<'_>>, op: usize) -> Result<PoolOptions, ImportError> {
    let what = "pool options";
    let Some(o) = o else {
        return Err(ImportError::Unsupported {
            what: "pool without options".into(),
            op,
        });
    };
    Ok(PoolOptions {
        padding: padding(o.i8(0, 0, what)?, op)?,
        stride_w: positive(o.i32(1, 0, what)?, "stride_w", op)?,
        stride_h: positive(o.i32(2, 0, what)?, "stride_h", op)?,
        filter_w: positive(o.i32(3, 0, what)?, "filter_width", op)?,
        filter_h: positive(o.i32(4, 0, what)?, "filter_height", op)?,
        activation: activation(o.i8(5, 0, what)?, op)?,
    })
}

fn parse_operator(t: &Table<'_>, codes: &[i32], op: usize) -> Result<Operator, ImportError> {
    let what = "operator";
    let idx = t.u32(0, 0, what)? as usize;
    let code = *codes.get(idx).ok_or_else(|| ImportError::Malformed {
        what: format!("operator {op} opcode_index {idx}"),
        offset: t.offset(),
    })?;
    let inputs = t
        .vector(1, "operator inputs")?
        .map(|v| v.i32s("operator inputs"))
        .transpose()?
        .unwrap_or_default();
    let outputs_raw = t
        .vector(2, "operator outputs")?
        .map(|v| v.i32s("operator outputs"))
        .transpose()?
        .unwrap_or_default();
    let mut outputs = Vec::new();
    for o in outputs_raw {
        if o < 0 {
            return Err(ImportError::Malformed {
                what: format!("operator {op} output tensor index {o}"),
                offset: t.offset(),
            });
        }
        outputs.push(o as usize);
    }
    let name = builtin_name(code);
    // BuiltinOptions union indices: Conv2DOptions 1, DepthwiseConv2DOptions 2,
    // Pool2DOptions 5, FullyConnectedOptions 8, SoftmaxOptions 9, AddOptions 11,
    // ReshapeOptions 17, StridedSliceOptions 32, PackOptions 59, ShapeOptions 55.
    let kind = match code {
        3 => OpKind::Conv2d(parse_conv(options(t, 1, &name, op)?, false, op)?),
        4 => OpKind::DepthwiseConv2d(parse_conv(options(t, 2, &name, op)?, true, op)?),
        9 => {
            let o = options(t, 8, &name, op)?;
            let w = "fully connected options";
            let (act, fmt, asym) = match o {
                Some(o) => (o.i8(0, 0, w)?, o.i8(1, 0, w)?, o.bool(3, false, w)?),
                None => (0, 0, false),
            };
            if fmt != 0 {
                return Err(ImportError::Unsupported {
                    what: format!("FULLY_CONNECTED weights_format {fmt}"),
                    op,
                });
            }
            if asym {
                return Err(ImportError::Unsupported {
                    what: "FULLY_CONNECTED asymmetric_quantize_inputs".into(),
                    op,
                });
            }
            OpKind::FullyConnected {
                activation: activation(act, op)?,
            }
        }
        1 => OpKind::AveragePool2d(parse_pool(options(t, 5, &name, op)?, op)?),
        17 => OpKind::MaxPool2d(parse_pool(options(t, 5, &name, op)?, op)?),
        0 => {
            let o = options(t, 11, &name, op)?;
            let act = match o {
                Some(o) => o.i8(0, 0, "add options")?,
                None => 0,
            };
            OpKind::Add {
                activation: activation(act, op)?,
            }
        }
        25 => {
            let o = options(t, 9, &name, op)?;
            let beta = match o {
                Some(o) => o.f32(0, 0.0, "softmax options")?,
                None => 1.0,
            };
            OpKind::Softmax { beta }
        }
        22 => {
            options(t, 17, &name, op)?;
            OpKind::Reshape
        }
        114 => OpKind::Quantize,
        6 => OpKind::Dequantize,
        77 => {
            if let Some(o) = options(t, 55, &name, op)? {
                let out_type = o.i8(0, 2, "shape options")?;
                if out_type != 2 {
                    return Err(ImportError::Unsupported {
                        what: format!("SHAPE out_type {}", tensor_type_name(out_type)),
                        op,
                    });
                }
            }
            OpKind::Shape
        }
        45 => {
            let w = "strided slice options";
            let Some(o) = options(t, 32, &name, op)? else {
                return Err(ImportError::Unsupported {
                    what: "STRIDED_SLICE without options".into(),
                    op,
                });
            };
            // StridedSliceOptions: begin_mask, end_mask, ellipsis_mask,
            // new_axis_mask, shrink_axis_mask, offset.
            if o.i32(2, 0, w)? != 0 || o.i32(3, 0, w)? != 0 {
                return Err(ImportError::Unsupported {
                    what: "STRIDED_SLICE ellipsis_mask/new_axis_mask".into(),
                    op,
                });
            }
            if o.bool(5, false, w)? {
                return Err(ImportError::Unsupported {
                    what: "STRIDED_SLICE offset=true".into(),
                    op,
                });
            }
            OpKind::StridedSlice(StridedSliceOptions {
                begin_mask: o.i32(0, 0, w)?,
                end_mask: o.i32(1, 0, w)?,
                shrink_axis_mask: o.i32(4, 0, w)?,
            })
        }
        83 => {
            let Some(o) = options(t, 59, &name, op)? else {
                return Err(ImportError::Unsupported {
                    what: "PACK without options".into(),
                    op,
                });
            };
            let count = o.i32(0, 0, "pack options")?;
            if count as usize != inputs.len() {
                return Err(ImportError::Unsupported {
                    what: format!("PACK values_count {count} with {} inputs", inputs.len()),
                    op,
                });
            }
            OpKind::Pack {
                axis: o.i32(1, 0, "pack options")?,
            }
        }
        _ => {
            return Err(ImportError::Unsupported {
                what: format!("operator {name}"),
                op,
            })
        }
    };
    Ok(Operator {
        kind,
        inputs,
        outputs,
    })
}

fn parse_tensor(
    t: &Table<'_>,
    buffers: &[Option<Vec<u8>>],
    idx: usize,
) -> Result<Tensor, ImportError> {
    let what = "tensor";
    let shape_raw = t
        .vector(0, "tensor shape")?
        .map(|v| v.i32s("tensor shape"))
        .transpose()?
        .unwrap_or_default();
    let mut shape = Vec::new();
    for d in shape_raw {
        if d < 0 {
            return Err(ImportError::UnsupportedTensor {
                what: format!("dynamic dimension {d}"),
                tensor: idx,
            });
        }
        shape.push(d as usize);
    }
    // Bounded so that later size arithmetic cannot overflow and a malformed
    // shape cannot ask for gigabytes (largest MCU arenas are a few MiB). A zero
    // dimension counts as one: [huge, huge, 0] holds no element, but the product
    // of its leading dimensions would still overflow.
    const MAX_ELEMS: usize = 1 << 26;
    let mut elems: usize = 1;
    for &d in &shape {
        elems = elems.saturating_mul(d.max(1));
    }
    if elems > MAX_ELEMS {
        return Err(ImportError::UnsupportedTensor {
            what: format!("shape {shape:?} ({elems} elements, limit {MAX_ELEMS})"),
            tensor: idx,
        });
    }
    let tcode = t.i8(1, 0, what)?;
    let ty = match tcode {
        0 => ElemType::F32,
        2 => ElemType::I32,
        9 => ElemType::I8,
        other => {
            return Err(ImportError::UnsupportedTensor {
                what: format!("type {}", tensor_type_name(other)),
                tensor: idx,
            })
        }
    };
    let b = t.u32(2, 0, what)? as usize;
    let data = match buffers.get(b) {
        Some(d) => d.clone(),
        None => {
            return Err(ImportError::Malformed {
                what: format!("tensor {idx} buffer index {b}"),
                offset: t.offset(),
            })
        }
    };
    let name = t.string(3, "tensor name")?.unwrap_or_default();
    if t.bool(5, false, what)? {
        return Err(ImportError::UnsupportedTensor {
            what: "variable tensor".into(),
            tensor: idx,
        });
    }
    if t.table(6, "tensor sparsity")?.is_some() {
        return Err(ImportError::UnsupportedTensor {
            what: "sparse tensor".into(),
            tensor: idx,
        });
    }
    let quant = match t.table(4, "tensor quantization")? {
        None => None,
        Some(q) => {
            // QuantizationParameters: min, max, scale, zero_point, details_type,
            // details, quantized_dimension.
            let scale = q
                .vector(2, "quantization scale")?
                .map(|v| v.f32s("quantization scale"))
                .transpose()?
                .unwrap_or_default();
            let zero_point = q
                .vector(3, "quantization zero_point")?
                .map(|v| v.i64s("quantization zero_point"))
                .transpose()?
                .unwrap_or_default();
            if q.u8(4, 0, "quantization details_type")? != 0 {
                return Err(ImportError::UnsupportedTensor {
                    what: "custom quantization details".into(),
                    tensor: idx,
                });
            }
            let dim = q.i32(6, 0, "quantized_dimension")?;
            if scale.is_empty() {
                None
            } else {
                if zero_point.len() != scale.len() {
                    return Err(ImportError::UnsupportedTensor {
                        what: format!(
                            "{} scales but {} zero points",
                            scale.len(),
                            zero_point.len()
                        ),
                        tensor: idx,
                    });
                }
                // TFLite's int8 scheme (its quantization spec): int8 zero points lie in
                // [-128, 127]; int32 (bias) and float tensors have zero point 0. Anything
                // else is malformed, and would overflow the emitter's offsets (-zp).
                let allowed = match ty {
                    ElemType::I8 => -128..=127,
                    ElemType::I32 | ElemType::F32 => 0..=0,
                };
                if let Some(bad) = scale.iter().find(|x| !(x.is_finite() && **x > 0.0)) {
                    return Err(ImportError::UnsupportedTensor {
                        what: format!("quantization scale {bad} (a scale is finite and above 0)"),
                        tensor: idx,
                    });
                }
                if let Some(z) = zero_point.iter().find(|z| !allowed.contains(*z)) {
                    return Err(ImportError::UnsupportedTensor {
                        what: format!(
                            "zero point {z} for {} (allowed {}..={})",
                            ty.c_type(),
                            allowed.start(),
                            allowed.end()
                        ),
                        tensor: idx,
                    });
                }
                Some(Quant {
                    scale,
                    zero_point,
                    dim: dim.max(0) as usize,
                })
            }
        }
    };
    if let Some(d) = &data {
        let want = shape.iter().product::<usize>() * ty.size();
        if d.len() != want {
            return Err(ImportError::UnsupportedTensor {
                what: format!("constant data of {} bytes for {want} expected", d.len()),
                tensor: idx,
            });
        }
    }
    Ok(Tensor {
        name,
        shape,
        ty,
        data,
        quant,
    })
}

/// Parses a `.tflite` flatbuffer into the IR.
pub fn parse(bytes: &[u8]) -> Result<Model, ImportError> {
    if bytes.len() < 8 {
        return Err(ImportError::Malformed {
            what: format!(
                "file of {} bytes is too short for a flatbuffer",
                bytes.len()
            ),
            offset: 0,
        });
    }
    if &bytes[4..8] != b"TFL3" {
        return Err(ImportError::Malformed {
            what: "file identifier (expected \"TFL3\")".into(),
            offset: 4,
        });
    }
    let root = Buffer::new(bytes).root()?;
    // Model: version, operator_codes, subgraphs, description, buffers.
    let version = root.u32(0, 0, "model version")?;
    if version != 3 {
        return Err(ImportError::Malformed {
            what: format!("schema version {version} (expected 3)"),
            offset: root.offset(),
        });
    }
    let mut codes = Vec::new();
    if let Some(v) = root.vector(1, "operator_codes")? {
        for i in 0..v.len() {
            let c = v.table(i, "operator code")?;
            // OperatorCode: deprecated_builtin_code (byte), custom_code, version,
            // builtin_code (int). The real code is the larger of the two.
            let dep = c.i8(0, 0, "operator code")? as i32;
            let full = c.i32(3, 0, "operator code")?;
            codes.push(dep.max(full));
        }
    }
    let mut buffers = Vec::new();
    if let Some(v) = root.vector(4, "buffers")? {
        for i in 0..v.len() {
            let b = v.table(i, "buffer")?;
            // Buffer: data, offset, size (offset/size: data outside the flatbuffer).
            let off = b.u64(1, 0, "buffer offset")?;
            if off > 1 {
                return Err(ImportError::Malformed {
                    what: format!("buffer {i} stored outside the flatbuffer (offset {off})"),
                    offset: b.offset(),
                });
            }
            let data = b.vector(0, "buffer data")?;
            buffers.push(match data {
                Some(d) if !d.is_empty() => Some(d.bytes("buffer data")?.to_vec()),
                _ => None,
            });
        }
    }
    let subgraphs = root
        .vector(2, "subgraphs")?
        .ok_or_else(|| ImportError::Malformed {
            what: "model without subgraphs".into(),
            offset: root.offset(),
        })?;
    if subgraphs.len() != 1 {
        return Err(ImportError::Unsupported {
            what: format!("{} subgraphs (only 1 is supported)", subgraphs.len()),
            op: 0,
        });
    }
    let g = subgraphs.table(0, "subgraph")?;
    // SubGraph: tensors, inputs, outputs, operators, name.
    let mut tensors = Vec::new();
    if let Some(v) = g.vector(0, "tensors")? {
        for i in 0..v.len() {
            tensors.push(parse_tensor(&v.table(i, "tensor")?, &buffers, i)?);
        }
    }
    let idx_list = |id: usize, what: &str| -> Result<Vec<usize>, ImportError> {
        let raw = g
            .vector(id, what)?
            .map(|v| v.i32s(what))
            .transpose()?
            .unwrap_or_default();
        raw.into_iter()
            .map(|i| {
                if i >= 0 && (i as usize) < tensors.len() {
                    Ok(i as usize)
                } else {
                    Err(ImportError::Malformed {
                        what: format!("{what}: tensor index {i} of {}", tensors.len()),
                        offset: g.offset(),
                    })
                }
            })
            .collect()
    };
    let inputs = idx_list(1, "subgraph inputs")?;
    let outputs = idx_list(2, "subgraph outputs")?;
    let mut operators = Vec::new();
    if let Some(v) = g.vector(3, "operators")? {
        for i in 0..v.len() {
            let op = parse_operator(&v.table(i, "operator")?, &codes, i)?;
            for &t in op.inputs.iter().filter(|&&t| t >= 0) {
                if t as usize >= tensors.len() {
                    return Err(ImportError::Malformed {
                        what: format!("operator {i} input tensor index {t}"),
                        offset: 0,
                    });
                }
            }
            for &t in &op.outputs {
                if t >= tensors.len() {
                    return Err(ImportError::Malformed {
                        what: format!("operator {i} output tensor index {t}"),
                        offset: 0,
                    });
                }
            }
            operators.push(op);
        }
    }
    Ok(Model {
        tensors,
        operators,
        inputs,
        outputs,
    })
}
