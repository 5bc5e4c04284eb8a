namespace TensorForge.Samples
{
    /// <summary>The one constant of samples/Diffusion's Program that its linked Denoisers.cs reads (the sample's Program has a
    /// Main and the sample's whole training loop, so it is not linked). It must equal the sample's
    /// <c>Program.EmbeddingSize</c>; the twin reads the denoiser's channel count from <c>UNetDenoiser.InputSize</c>, so a
    /// difference would show as a network that is not the sample's, not as a wrong comparison.</summary>
    internal static class Program
    {
        public const int EmbeddingSize = 16;
    }
}
