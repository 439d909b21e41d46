// DTOs and validation rules of the tunnels API; filled in by its app's issue.
export {};
