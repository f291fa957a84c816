using TorchSharp;
using static TorchSharp.torch;
var mha = nn.MultiheadAttention(768, 12);
foreach (var (name, p) in mha.named_parameters()) Console.WriteLine($"{name} [{string.Join(",", p.shape)}]");
