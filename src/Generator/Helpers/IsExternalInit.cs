namespace System.Runtime.CompilerServices
{
    // Polyfill: lets netstandard2.0 code declare records and init-only setters.
    internal static class IsExternalInit { }
}
