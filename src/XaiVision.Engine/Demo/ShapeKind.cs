namespace XaiVision.Engine.Demo;

/// <summary>The demo classes, in label order (index = class id).</summary>
public enum ShapeKind { Circle, Square, Triangle, Star, Cross }
