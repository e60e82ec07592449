"""Deep generative models (course section 5): autoencoders, the VAE, GANs and WGANs.

Written with the operations both engines share, so every function takes glassbox
Tensors or torch tensors, as ``glassbox.models`` does.
"""

from glassbox.generative.autoencoder import (
    decoder_subspace,
    pca_four_steps,
    principal_angles,
    reconstruction_error,
)
from glassbox.generative.fid import (
    class_coverage,
    class_probabilities,
    classifier_inputs,
    feature_statistics,
    fid,
    frechet_distance,
    lenet_features,
    mnist_classifier,
)
from glassbox.generative.gan import (
    GAN_LOSSES,
    clip_weights,
    discriminator_loss,
    generator_loss,
    gradient_penalty,
    noisy_labels,
    soft_labels,
    wasserstein_estimate,
)
from glassbox.generative.training import GANOptimizers, fit_gan, generate, sample_noise
from glassbox.generative.vae import (
    elbo,
    gaussian_kl,
    iwae_bound,
    log_importance_weights,
    log_likelihood,
    log_likelihood_estimate,
    log_normal,
    logsumexp,
    renyi_bound,
    reparameterize,
)

__all__ = [
    "GAN_LOSSES", "clip_weights", "discriminator_loss", "generator_loss",
    "gradient_penalty", "noisy_labels", "soft_labels", "wasserstein_estimate",
]
__all__ += ["decoder_subspace", "pca_four_steps", "principal_angles", "reconstruction_error"]
__all__ += ["elbo", "gaussian_kl", "iwae_bound", "log_importance_weights", "log_likelihood",
            "log_likelihood_estimate", "log_normal", "logsumexp", "renyi_bound",
            "reparameterize"]
__all__ += ["GANOptimizers", "fit_gan", "generate", "sample_noise"]
__all__ += ["class_coverage", "class_probabilities", "classifier_inputs", "feature_statistics",
            "fid", "frechet_distance", "lenet_features", "mnist_classifier"]
