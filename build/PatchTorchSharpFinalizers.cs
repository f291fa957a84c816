using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Mono.Cecil;
using Mono.Cecil.Cil;

/// <summary>
/// Rewrites the finalizers of TorchSharp.Scalar and TorchSharp.torch.Tensor in the TorchSharp.dll of a build or publish output so
/// that they park the native handle in XaiVision.TorchGuard.FinalizerQuarantine instead of freeing it while native code may still
/// read it (the reason is on that class). Only where XaiVision.TorchGuard.dll sits beside it; a no-op on an already patched file.
/// </summary>
public class XaiVisionPatchTorchSharpFinalizers : Task
{
    [Required]
    public string Directory { get; set; } = "";

    const string Guard = "XaiVision.TorchGuard";

    public override bool Execute()
    {
        var path = Path.Combine(Directory, "TorchSharp.dll");
        var guardPath = Path.Combine(Directory, Guard + ".dll");
        if (!File.Exists(path) || !File.Exists(guardPath)) return true;
        var bytes = File.ReadAllBytes(path);
        using var module = ModuleDefinition.ReadModule(new MemoryStream(bytes), new ReaderParameters { ReadSymbols = false });
        var scalar = module.GetType("TorchSharp.Scalar");
        var tensor = module.GetType("TorchSharp.torch")?.NestedTypes.FirstOrDefault(t => t.Name == "Tensor");
        if (scalar is null || tensor is null)
        {
            Log.LogError("XV0002: TorchSharp.dll has no TorchSharp.Scalar or TorchSharp.torch.Tensor: the finalizer patch needs revising for this version.");
            return false;
        }
        System.Version guardVersion;
        using (var guard = AssemblyDefinition.ReadAssembly(guardPath)) guardVersion = guard.Name.Version;
        var reference = module.AssemblyReferences.FirstOrDefault(r => r.Name == Guard);
        if (reference is null)
        {
            reference = new AssemblyNameReference(Guard, guardVersion);
            module.AssemblyReferences.Add(reference);
        }
        var quarantine = new TypeReference(Guard, "FinalizerQuarantine", module, reference);
        bool changed = false;
        foreach (var (type, park) in new[] { (scalar, "Scalar"), (tensor, "Tensor") })
        {
            var finalizer = type.Methods.FirstOrDefault(m => m.Name == "Finalize" && !m.HasParameters);
            var handle = type.Fields.FirstOrDefault(f => f.Name == "handle" && f.FieldType.FullName == "System.IntPtr");
            if (finalizer is null || handle is null)
            {
                Log.LogError($"XV0002: TorchSharp.dll's {type.FullName} has no Finalize() or IntPtr handle field: the finalizer patch needs revising.");
                return false;
            }
            if (finalizer.Body.Instructions.Any(i => i.Operand is MethodReference m && m.DeclaringType.Namespace == Guard)) continue;
            var target = new MethodReference(park, module.TypeSystem.Void, quarantine) { HasThis = false };
            target.Parameters.Add(new ParameterDefinition(module.TypeSystem.IntPtr));
            var body = finalizer.Body;
            body.Instructions.Clear();
            body.ExceptionHandlers.Clear();
            body.Variables.Clear();
            var il = body.GetILProcessor();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, handle);
            il.Emit(OpCodes.Call, target);
            il.Emit(OpCodes.Ret);
            changed = true;
        }
        if (!changed) return true;
        module.Write(path);
        Log.LogMessage(MessageImportance.Normal, $"TorchSharp.dll in {Directory}: finalizers park their handles in {Guard}.FinalizerQuarantine.");
        return true;
    }
}
