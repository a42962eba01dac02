from schools.county import county

__all__ = ["county"]
