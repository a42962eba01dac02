from web.county import county

__all__ = ["county"]
