// The typed control-plane client: one interface, two implementations (HTTP and in-process, the domain service itself).
// Declared in src/core (types only) so that src/controlplane, below this layer, implements the same interface.
export type * from '../core/control-plane';
