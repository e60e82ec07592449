"""The layers of ``glassbox.nn``, one family per file (as in ``torch/nn/modules``)."""

from glassbox.nn.modules.activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    RReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softmax2d,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from glassbox.nn.modules.attention import MultiheadAttention
from glassbox.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from glassbox.nn.modules.container import (
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)
from glassbox.nn.modules.conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from glassbox.nn.modules.distance import CosineSimilarity, PairwiseDistance
from glassbox.nn.modules.dropout import (
    AlphaDropout,
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    FeatureAlphaDropout,
)
from glassbox.nn.modules.flatten import Flatten, Unflatten
from glassbox.nn.modules.fold import Fold, Unfold
from glassbox.nn.modules.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from glassbox.nn.modules.lazy import (
    LazyBatchNorm1d,
    LazyBatchNorm2d,
    LazyConv1d,
    LazyConv2d,
    LazyLinear,
)
from glassbox.nn.modules.linear import Bilinear, Identity, Linear
from glassbox.nn.modules.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
    TripletMarginWithDistanceLoss,
)
from glassbox.nn.modules.module import Module
from glassbox.nn.modules.normalization import GroupNorm, LayerNorm, LocalResponseNorm, RMSNorm
from glassbox.nn.modules.padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from glassbox.nn.modules.pixelshuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle
from glassbox.nn.modules.pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    LPPool1d,
    LPPool2d,
    MaxPool1d,
    MaxPool2d,
    MaxUnpool1d,
    MaxUnpool2d,
)
from glassbox.nn.modules.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from glassbox.nn.modules.sparse import Embedding, EmbeddingBag
from glassbox.nn.modules.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from glassbox.nn.modules.upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = [
    "Module", "Sequential", "ModuleList", "ModuleDict", "Linear", "Identity", "Conv2d",
    "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d",
    "BatchNorm2d", "Dropout", "Flatten", "Unflatten", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "Softmax", "LogSoftmax", "Upsample", "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss",
    "BCELoss", "BCEWithLogitsLoss", "Embedding", "LayerNorm", "GELU", "SmoothL1Loss",
    "HuberLoss", "Softplus", "SiLU", "Mish", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish",
    "PairwiseDistance", "CosineSimilarity", "Fold", "Unfold",
    "PixelShuffle", "PixelUnshuffle", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
    "Dropout2d", "AdaptiveMaxPool2d", "KLDivLoss",
    "ParameterList", "ParameterDict",
]
__all__ += [  # more activations
    "ELU", "CELU", "SELU", "PReLU", "LogSigmoid", "Softsign", "Softmin", "Tanhshrink",
    "Threshold", "Hardshrink", "Softshrink", "GLU", "Softmax2d", "UpsamplingNearest2d",
    "UpsamplingBilinear2d", "Conv1d", "ConvTranspose1d", "MaxPool1d", "AvgPool1d",
    "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "MarginRankingLoss", "HingeEmbeddingLoss",
    "SoftMarginLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss", "TripletMarginLoss",
    "GaussianNLLLoss", "PoissonNLLLoss", "BatchNorm3d", "Dropout1d", "Dropout3d",
    "InstanceNorm3d", "Bilinear", "LocalResponseNorm", "RMSNorm", "ChannelShuffle",
    "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention",
    "TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder",
    "TransformerDecoder", "Transformer", "MaxUnpool1d", "MaxUnpool2d", "MultiMarginLoss",
    "TripletMarginWithDistanceLoss", "AlphaDropout", "FeatureAlphaDropout", "RReLU",
    "LPPool1d", "LPPool2d", "EmbeddingBag", "LazyLinear", "LazyConv1d", "LazyConv2d",
    "LazyBatchNorm1d", "LazyBatchNorm2d",
]
__all__ += [  # the padding layers
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
    "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]
