using System.Diagnostics.CodeAnalysis;

// RS0026 (no two overloads with optional parameters): these overloads shipped before the public API was tracked, and
// generated code binds them positionally, so merging them would break every generated network compiled against 0.1.0.
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member",
    Target = "~M:TensorForge.Guard.Batch(System.Int32,System.Int32,System.String,System.Int32,System.Int32,System.String,System.String,System.String)~System.Int32",
    Justification = "Shipped before API tracking; generated code calls both overloads.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member",
    Target = "~M:TensorForge.Guard.Batch(System.Int32,System.Int32,System.String,System.String)~System.Int32",
    Justification = "Shipped before API tracking; generated code calls both overloads.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member",
    Target = "~M:TensorForge.Guard.Tokens(System.ReadOnlySpan{System.Int32},System.Int32,System.String)",
    Justification = "Shipped before API tracking; generated code calls both overloads.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member",
    Target = "~M:TensorForge.Guard.Tokens(System.ReadOnlySpan{System.Single},System.Span{System.Int32},System.Int32,System.String)",
    Justification = "Shipped before API tracking; generated code calls both overloads.")]
