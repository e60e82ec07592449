"""The CNN zoo of the course, each architecture defined once for both engines.

``lenet5(nn=glassbox.nn)`` builds a glassbox model and ``lenet5(nn=torch.nn)`` the
identical torch model, with the same ``state_dict`` keys, so weights move between them.
"""

from glassbox.models.alexnet import alexnet
from glassbox.models.autoencoder import autoencoder
from glassbox.models.densenet import densenet121
from glassbox.models.gan import (
    dcgan_discriminator,
    dcgan_generator,
    mlp_discriminator,
    mlp_generator,
    wgan_gp_critic,
)
from glassbox.models.googlenet import googlenet
from glassbox.models.lenet import lenet5
from glassbox.models.mobilenet import mobilenet_v1
from glassbox.models.resnet import resnet18, resnet50
from glassbox.models.summary import Summary, summary
from glassbox.models.transfer import (
    extract_features,
    freeze,
    layer_names,
    parameter_groups,
    unfreeze,
)
from glassbox.models.vae import conv_vae, vae_mlp
from glassbox.models.vgg import vgg16, vgg16_bn

__all__ = ["Summary", "summary", "alexnet", "densenet121", "googlenet", "lenet5",
           "mobilenet_v1", "resnet18", "resnet50", "vgg16", "vgg16_bn",
           "extract_features", "freeze", "layer_names", "parameter_groups", "unfreeze"]
__all__ += ["mlp_generator", "mlp_discriminator", "dcgan_generator", "dcgan_discriminator",
            "wgan_gp_critic"]
__all__ += ["autoencoder", "conv_vae", "vae_mlp"]
