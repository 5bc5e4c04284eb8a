using System.Runtime.CompilerServices;

// The kernel tests drive the narrower vector paths through SimdWidth and check internal helpers such as Erf directly.
[assembly: InternalsVisibleTo("TensorForge.Runtime.Tests")]
