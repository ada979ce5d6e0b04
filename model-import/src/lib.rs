//! Imports int8 TensorFlow Lite models into C for the thimble firmware.
//!
//! [`import`] parses a `.tflite` flatbuffer with a small hand-written reader
//! ([`flatbuf`]), builds the model IR ([`ir`]), plans a tensor arena by
//! liveness ([`plan`]) and emits C ([`emit`]) that calls the int8 kernels of
//! `firmware/nn`: weights as `const` arrays in flash, per-channel
//! requantization multipliers computed offline exactly as TFLite does, a
//! static `tensor_arena`, the symbols `model_input` / `model_output` and
//! `int model_invoke(void)`.
#![deny(missing_docs)]

pub mod emit;
pub mod flatbuf;
pub mod harness;
pub mod ir;
pub mod plan;
pub mod quant;
pub mod reference;

/// Why a model could not be imported.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The bytes are not a well-formed `.tflite` flatbuffer.
    #[error("malformed .tflite: {what} (at byte offset {offset})")]
    Malformed {
        /// What was being read.
        what: String,
        /// Byte offset in the file.
        offset: usize,
    },
    /// An operator, option or type the kernels do not support.
    #[error("unsupported {what} at operator {op}")]
    Unsupported {
        /// The operator, option or type.
        what: String,
        /// Operator index in the subgraph.
        op: usize,
    },
    /// A tensor property the kernels do not support.
    #[error("unsupported {what} in tensor {tensor}")]
    UnsupportedTensor {
        /// The property.
        what: String,
        /// Tensor index in the subgraph.
        tensor: usize,
    },
}

/// Summary of one operator of an imported model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpInfo {
    /// Operator index in execution order.
    pub index: usize,
    /// TFLite operator name, e.g. `CONV_2D`.
    pub op: &'static str,
    /// Input tensor indices (-1 = absent optional input).
    pub inputs: Vec<i32>,
    /// Output tensor indices.
    pub outputs: Vec<usize>,
    /// Multiply-accumulates (or window elements for pools, elements for ADD/SOFTMAX).
    pub macs: u64,
}

/// A model lowered to C.
#[derive(Clone, Debug)]
pub struct ImportedModel {
    /// `model.c`: weights, arena, `model_input`, `model_output`, `model_invoke`.
    pub c_source: String,
    /// `model.h`: declarations and shape macros.
    pub header: String,
    /// Planned tensor arena size in bytes.
    pub arena_bytes: usize,
    /// Bytes of constant tensor data placed in flash.
    pub const_bytes: usize,
    /// The operators in execution order.
    pub ops: Vec<OpInfo>,
}

/// Imports a `.tflite` model: `name` names the model in the generated C.
pub fn import(tflite_bytes: &[u8], name: &str) -> Result<ImportedModel, ImportError> {
    let model = ir::parse(tflite_bytes)?;
    emit::emit(&model, name)
}
